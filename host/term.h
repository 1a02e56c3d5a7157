/*
 * The terminal on stdin: raw mode while the guest runs, restored on every
 * way out (normal exit, fatal error, signal, crash of the vmm itself), and
 * the Ctrl-A console commands.
 */
#ifndef VMM_TERM_H
#define VMM_TERM_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Puts stdin in raw mode (as QEMU's stdio console: no echo, no line
 * editing, no signals from ^C/^Z, CR not mapped; output processing kept)
 * when it is a terminal and the vmm is in its foreground process group.
 * Returns whether it did.
 */
bool term_raw(void);

/* Puts the terminal back as term_raw() found it; idempotent and
 * async-signal-safe. */
void term_restore(void);

/* Restore the terminal when the vmm itself dies of SIGSEGV, SIGBUS,
 * SIGFPE, SIGILL or SIGABRT, then let the previous handler run. */
void term_guard_crashes(void);

/* Ctrl-A commands, as QEMU's: C-a x quits, C-a C-a sends C-a, C-a h
 * prints help; C-a followed by anything else is dropped. */
#define TERM_ESCAPE 0x01
enum { TERM_SWALLOW = -1, TERM_QUIT = -2, TERM_HELP = -3 };
struct term_esc {
	bool armed;
};
/* Feeds one byte typed at the console: the byte for the guest, or a
 * TERM_* command. */
int term_escape(struct term_esc *e, uint8_t c);

extern const char term_help[];

#endif
