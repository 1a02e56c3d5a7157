/*
 * Console control through SYS_ioctl on a console descriptor.
 */
#ifndef LDE_TTY_H
#define LDE_TTY_H

#define LDE_TCGETMODE  1 /* -> LDE_TTY_COOKED or LDE_TTY_RAW; -ENOTTY if not a console */
#define LDE_TCSETMODE  2 /* (mode) */
#define LDE_TIOCGPGRP  3 /* -> foreground process group */
#define LDE_TIOCSPGRP  4 /* (pgid) */

#define LDE_TTY_COOKED 0 /* line editing, echo, ^C ^D ^Z */
#define LDE_TTY_RAW    1 /* bytes as they come, no echo */

#endif
