/*
 * waitpid status words (the encoding Linux uses) and options.
 */
#ifndef LDE_WAIT_H
#define LDE_WAIT_H

#define WNOHANG 1

#define LDE_W_EXITED(code) (((code) & 0xff) << 8)
#define LDE_W_SIGNALED(sig) ((sig) & 0x7f)

#define WIFEXITED(s)   (((s) & 0x7f) == 0)
#define WEXITSTATUS(s) (((s) >> 8) & 0xff)
#define WIFSIGNALED(s) (((s) & 0x7f) != 0 && ((s) & 0x7f) != 0x7f)
#define WTERMSIG(s)    ((s) & 0x7f)

#endif
