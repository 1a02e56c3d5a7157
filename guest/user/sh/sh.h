/*
 * sh.h: the shell's pieces and what they share.
 *
 *   sh.c        options, reading commands (terminal, stdin, -c, a file), the main loop
 *   sh/lex.c    source text -> tokens (words keep their quotes until expansion)
 *   sh/parse.c  tokens -> a list of and-or lists of pipelines of commands
 *   sh/expand.c a word's quotes, backslashes and $-expansions, at run time
 *   sh/exec.c   running lists and pipelines: fork, process groups, pipes, redirections
 *   sh/jobs.c   the job table: reaping, waiting, the foreground, notices
 *   sh/builtin.c cd, pwd, exit, help, jobs, fg, wait, kill, export, unset, exec, :
 *
 * Grammar (a subset of POSIX sh, no control structures):
 *
 *   list     := and_or { (';' | '&' | NEWLINE) and_or } [';' | '&']
 *   and_or   := pipeline { ('&&' | '||') NEWLINE* pipeline }
 *   pipeline := ['!'] command { '|' NEWLINE* command }
 *   command  := { NAME=VALUE } { WORD | redirection }
 *   redirection := [N] ('<' | '>' | '>>') WORD | [N] ('>&' | '<&') (N | '-')
 *
 * Memory: everything a parsed command line needs comes from one arena,
 * released in one go when the line has run (sh_arena_reset).
 */
#ifndef SH_H
#define SH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* --- arena ---------------------------------------------------------------- */

void *sh_alloc(size_t n); /* zeroed; never NULL (exits on no memory) */
char *sh_strndup(const char *s, size_t n);
void sh_arena_reset(void);

/* A growing string in the arena. */
struct sbuf {
	char *s;
	size_t len, cap;
};
void sb_addc(struct sbuf *b, char c);
void sb_adds(struct sbuf *b, const char *s);
const char *sb_str(struct sbuf *b); /* NUL-terminated, "" when empty */

/* --- tokens and the parse tree --------------------------------------------- */

enum tok_kind {
	T_WORD,
	T_REDIR, /* fd (or -1: the operator's default) and rd_op; the target follows */
	T_PIPE,  /* | */
	T_AND,   /* && */
	T_OR,    /* || */
	T_SEMI,  /* ; */
	T_AMP,   /* & */
	T_NEWLINE,
	T_END,
};

enum rd_op { RD_IN, RD_OUT, RD_APPEND, RD_DUPIN, RD_DUPOUT };

struct token {
	enum tok_kind kind;
	char *text;        /* T_WORD: the raw word, quotes and all */
	int fd;            /* T_REDIR */
	enum rd_op op;     /* T_REDIR */
	size_t start, end; /* its place in the source */
};

struct redir {
	int fd; /* the descriptor redirected */
	enum rd_op op;
	char *word; /* raw target (file, or descriptor number / "-" for dups) */
	struct redir *next;
};

struct cmd {
	char **assigns; /* raw NAME=VALUE words before the command name */
	int nassigns;
	char **words; /* raw words: the command name and its arguments */
	int nwords;
	struct redir *redirs; /* in order of appearance */
};

struct pipeline {
	struct cmd *cmds;
	int ncmds;
	bool bang; /* ! inverts the status */
};

enum andor_op { AO_AND, AO_OR };

struct andor {
	struct pipeline *pipes;
	enum andor_op *ops; /* ops[i] joins pipes[i] and pipes[i + 1] */
	int npipes;
	bool bg;    /* ended by & */
	char *text; /* its source, for jobs and notices */
};

struct list {
	struct andor *items;
	int n;
};

enum parse_status { PARSE_OK, PARSE_MORE, PARSE_ERROR };

/* Lex and parse src; PARSE_MORE when src ends inside a quote, after a
 * trailing backslash, |, && or ||.  On PARSE_ERROR, err says why. */
enum parse_status sh_parse(const char *src, struct list *out, char *err, size_t errsz);
/* lex.c, for parse.c: the tokens of src (kind T_END last); PARSE_MORE or
 * PARSE_ERROR as above. */
enum parse_status sh_lex(const char *src, struct token **toks, int *ntoks, char *err, size_t errsz);
const char *sh_tokname(const struct token *t);

/* --- expansion ------------------------------------------------------------- */

/* The word with quotes removed and $?, $$, $!, $#, $0..$9, $@, $*, $NAME,
 * ${NAME} expanded; NULL if the word vanishes (it was nothing but
 * unquoted expansions, all empty). */
char *sh_expand(const char *raw);
bool sh_is_assignment(const char *raw); /* NAME=... with an unquoted, valid NAME */

/* --- the shell's state ----------------------------------------------------- */

struct shell {
	bool interactive; /* prompts, notices, SIGINT at the prompt */
	bool jobctl;      /* each job in its own process group, the console's foreground set */
	pid_t pgid;       /* the shell's own process group */
	int tty;          /* the console descriptor for tcsetpgrp (jobctl only) */
	int status;       /* $? */
	pid_t last_bg;    /* $! */
	char *arg0;       /* $0 */
	char **args;      /* $1 ... */
	int nargs;
	int script_fd;           /* a script being read (closed in children), or -1 */
	volatile int got_sigint; /* set by the prompt's SIGINT handler */
};
extern struct shell sh;

/* exec.c */
int sh_run_list(const struct list *l);
/* Reset what the shell changed before a child execs: signal dispositions,
 * its own descriptors. */
void sh_child_setup(bool bg);
void sh_signals_init(void);
/* Apply redirections in this process; with save != NULL, note how to undo
 * them (builtins).  Returns 0, or -1 after printing why. */
struct saved_fd {
	int fd, copy; /* copy -1: fd was closed */
};
int sh_redirect(const struct redir *r, struct saved_fd *save, int *nsave, int maxsave);
void sh_restore(struct saved_fd *save, int nsave);

/* jobs.c */
struct job;
struct job *job_new(const char *text, bool bg);
void job_add_proc(struct job *j, pid_t pid);
pid_t job_pgid(const struct job *j);
void job_set_pgid(struct job *j, pid_t pgid);
int job_id(const struct job *j);
int job_wait_fg(struct job *j);  /* waits, restores the console; returns $? */
void job_release(struct job *j); /* forget a job nobody will ask about */
void jobs_notify(void);          /* reap without blocking; report ended jobs (interactive) */
int jobs_reap_all(void);         /* reap what has ended; returns how many */
/* "%N", "%%", "%+", "%-", "%NAME" or a pid of a known job; NULL (and a
 * message naming `who`) if there is none. */
struct job *job_find(const char *spec, const char *who);
int job_signal(struct job *j, int sig);
int bi_jobs(int argc, char **argv);
int bi_fg(int argc, char **argv);
int bi_wait(int argc, char **argv);
/* Status word -> $?: the exit status, or 128 + the signal. */
int sh_status(int wstatus);
/* A foreground death by signal as shells report it ("Killed (signal 9)"),
 * nothing for SIGINT and SIGPIPE. */
void sh_report_signal(int wstatus);

/* builtin.c */
typedef int (*builtin_fn)(int argc, char **argv);
builtin_fn sh_builtin(const char *name);
bool sh_is_special_exec(const char *name); /* `exec`: runs in the shell, no fork */
int sh_exec_builtin(int argc, char **argv, const struct redir *redirs);

/* sh.c */
void sh_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void sh_exit(int status);

#endif
