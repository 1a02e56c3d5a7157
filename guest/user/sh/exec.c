/*
 * exec.c: running what the parser built.
 *
 * A pipeline of n commands is n children joined by n - 1 pipes, started
 * left to right.  With job control each pipeline is a process group led
 * by its first process: both the child and the shell call setpgid (who
 * runs first is the scheduler's choice), and a foreground job is made the
 * console's foreground group (tcsetpgrp) before the shell waits, so ^C
 * reaches the job and not the shell.  Words are expanded in the shell
 * before it forks, so `false; echo $?` sees false's status.  A built-in
 * alone in the foreground runs in the shell itself (cd must), with its
 * redirections undone afterwards; anywhere else it runs in a child like
 * a program.  An and-or list sent to the background as a whole
 * (`a && b &`) runs in a forked copy of the shell.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "sh.h"

struct ecmd {
	char **argv; /* expanded, NULL-terminated */
	int argc;
	char **assigns; /* expanded NAME=VALUE */
	int nassigns;
	struct redir *redirs; /* with expanded targets */
};

/* --- signals -------------------------------------------------------------- */

static void on_sigint(int sig)
{
	(void)sig;
	sh.got_sigint = 1;
}

/* Interactive: SIGINT interrupts what the shell itself is doing (reading a
 * line, `wait`), without SA_RESTART, and never kills it; SIGQUIT, SIGTSTP
 * and SIGTERM are ignored (a stray `kill` of the shell's group spares it). */
void sh_signals_init(void)
{
	if (!sh.interactive)
		return;
	struct sigaction sa = {.sa_handler = on_sigint};
	sigaction(SIGINT, &sa, NULL);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGTSTP, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
}

void sh_child_setup(bool bg)
{
	static const int sigs[] = {SIGINT, SIGQUIT, SIGTSTP, SIGTERM};
	struct sigaction dfl = {.sa_handler = SIG_DFL};
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		if (sh.interactive)
			sigaction(sigs[i], &dfl, NULL);
	/* POSIX: without job control a background command ignores ^C and ^\ */
	if (bg && !sh.jobctl) {
		signal(SIGINT, SIG_IGN);
		signal(SIGQUIT, SIG_IGN);
	}
	if (sh.script_fd >= 0) {
		close(sh.script_fd);
		sh.script_fd = -1;
	}
}

/* --- redirections ------------------------------------------------------------- */

/* A free descriptor in 10..15 to park a saved one in (no F_DUPFD here). */
static int park(int fd)
{
	struct stat st;
	for (int h = 15; h >= 10; h--)
		if (fstat(h, &st) < 0 && errno == EBADF)
			return dup2(fd, h);
	return dup(fd);
}

static int parse_fd(const char *s)
{
	if (*s < '0' || *s > '9')
		return -1;
	int n = 0;
	for (; *s >= '0' && *s <= '9' && n < 1000; s++)
		n = n * 10 + (*s - '0');
	return *s ? -1 : n;
}

int sh_redirect(const struct redir *r, struct saved_fd *save, int *nsave, int maxsave)
{
	for (; r; r = r->next) {
		if (save) {
			bool have = false;
			for (int i = 0; i < *nsave; i++)
				have |= save[i].fd == r->fd;
			if (!have && *nsave < maxsave) {
				struct stat st;
				int copy = fstat(r->fd, &st) == 0 ? park(r->fd) : -1;
				save[(*nsave)++] = (struct saved_fd){r->fd, copy};
			}
		}
		if (r->op == RD_DUPIN || r->op == RD_DUPOUT) {
			if (strcmp(r->word, "-") == 0) {
				close(r->fd);
				continue;
			}
			int from = parse_fd(r->word);
			if (from < 0) {
				sh_error("%s: bad descriptor for %s", r->word,
				         r->op == RD_DUPIN ? "<&" : ">&");
				return -1;
			}
			if (from != r->fd && dup2(from, r->fd) < 0) {
				sh_error("%d: %s", from, strerror(errno));
				return -1;
			}
			continue;
		}
		int flags = r->op == RD_IN    ? O_RDONLY
		            : r->op == RD_OUT ? O_WRONLY | O_CREAT | O_TRUNC
		                              : O_WRONLY | O_CREAT | O_APPEND;
		int fd = open(r->word, flags, 0644);
		if (fd < 0) {
			sh_error("%s: %s", r->word, strerror(errno));
			return -1;
		}
		if (fd != r->fd) {
			if (dup2(fd, r->fd) < 0) {
				sh_error("%d: %s", r->fd, strerror(errno));
				close(fd);
				return -1;
			}
			close(fd);
		}
	}
	return 0;
}

void sh_restore(struct saved_fd *save, int nsave)
{
	for (int i = nsave - 1; i >= 0; i--) {
		if (save[i].copy >= 0) {
			dup2(save[i].copy, save[i].fd);
			close(save[i].copy);
		} else {
			close(save[i].fd);
		}
	}
}

/* --- expansion of a command ---------------------------------------------------- */

static bool expand_cmd(const struct cmd *c, struct ecmd *e)
{
	memset(e, 0, sizeof *e);
	e->argv = sh_alloc((size_t)(c->nwords + 1) * sizeof(char *));
	for (int i = 0; i < c->nwords; i++) {
		char *w = sh_expand(c->words[i]);
		if (w)
			e->argv[e->argc++] = w;
	}
	e->assigns = sh_alloc((size_t)(c->nassigns + 1) * sizeof(char *));
	for (int i = 0; i < c->nassigns; i++)
		e->assigns[e->nassigns++] = sh_expand(c->assigns[i]);
	struct redir **tail = &e->redirs;
	for (const struct redir *r = c->redirs; r; r = r->next) {
		struct redir *x = sh_alloc(sizeof *x);
		*x = *r;
		x->next = NULL;
		x->word = sh_expand(r->word);
		if (x->word == NULL) {
			sh_error("%s: ambiguous redirect", r->word);
			return false;
		}
		*tail = x;
		tail = &x->next;
	}
	return true;
}

static void set_assign(const char *a)
{
	const char *eq = strchr(a, '=');
	char *name = sh_strndup(a, (size_t)(eq - a));
	setenv(name, eq + 1, 1);
}

/* Run a built-in in the shell: assignments last for the command only,
 * redirections are undone after it. */
static int builtin_here(builtin_fn fn, struct ecmd *e)
{
	struct saved_fd save[16];
	int nsave = 0;
	char **old = sh_alloc((size_t)(e->nassigns + 1) * sizeof(char *));
	for (int i = 0; i < e->nassigns; i++) {
		const char *eq = strchr(e->assigns[i], '=');
		const char *v = getenv(sh_strndup(e->assigns[i], (size_t)(eq - e->assigns[i])));
		old[i] = v ? sh_strndup(v, strlen(v)) : NULL;
		set_assign(e->assigns[i]);
	}
	int status = 1;
	if (sh_redirect(e->redirs, save, &nsave, 16) == 0)
		status = fn(e->argc, e->argv);
	fflush(stdout);
	fflush(stderr);
	sh_restore(save, nsave);
	for (int i = e->nassigns - 1; i >= 0; i--) {
		const char *eq = strchr(e->assigns[i], '=');
		char *name = sh_strndup(e->assigns[i], (size_t)(eq - e->assigns[i]));
		if (old[i])
			setenv(name, old[i], 1);
		else
			unsetenv(name);
	}
	return status;
}

/* In the child: become the command.  Never returns. */
static _Noreturn void become(struct ecmd *e)
{
	for (int i = 0; i < e->nassigns; i++)
		set_assign(e->assigns[i]);
	if (sh_redirect(e->redirs, NULL, NULL, 0) < 0)
		_exit(1);
	if (e->argc == 0)
		_exit(0);
	builtin_fn fn = sh_builtin(e->argv[0]);
	if (fn)
		exit(fn(e->argc, e->argv));
	if (sh_is_special_exec(e->argv[0]))
		exit(sh_exec_builtin(e->argc, e->argv, NULL));
	execvp(e->argv[0], e->argv);
	int err = errno;
	if (err == ENOENT && strchr(e->argv[0], '/') == NULL)
		sh_error("%s: not found", e->argv[0]);
	else
		sh_error("%s: %s", e->argv[0], strerror(err));
	_exit(err == ENOENT || err == ENOTDIR ? 127 : 126);
}

/* --- pipelines ------------------------------------------------------------------ */

static int run_pipeline(const struct pipeline *pl, bool bg, const char *text)
{
	int n = pl->ncmds;
	struct ecmd *ec = sh_alloc((size_t)n * sizeof *ec);
	for (int i = 0; i < n; i++)
		if (!expand_cmd(&pl->cmds[i], &ec[i]))
			return 1;

	/* Alone in the foreground: assignments, built-ins and exec run here. */
	if (n == 1 && !bg) {
		struct ecmd *e = &ec[0];
		if (e->argc == 0) {
			for (int i = 0; i < e->nassigns; i++)
				set_assign(e->assigns[i]);
			struct saved_fd save[16];
			int nsave = 0, r = sh_redirect(e->redirs, save, &nsave, 16);
			sh_restore(save, nsave);
			return r < 0 ? 1 : 0;
		}
		builtin_fn fn = sh_builtin(e->argv[0]);
		if (fn)
			return builtin_here(fn, e);
		if (sh_is_special_exec(e->argv[0]))
			return sh_exec_builtin(e->argc, e->argv, e->redirs);
	}

	struct job *job = job_new(text, bg);
	pid_t pgid = 0, last = 0;
	int in = -1; /* the read end feeding the next command */
	bool failed = false;
	for (int i = 0; i < n; i++) {
		int p[2] = {-1, -1};
		if (i < n - 1 && pipe(p) < 0) {
			sh_error("pipe: %s", strerror(errno));
			failed = true;
			break;
		}
		pid_t pid = fork();
		if (pid < 0) {
			sh_error("fork: %s", strerror(errno));
			if (p[0] >= 0) {
				close(p[0]);
				close(p[1]);
			}
			failed = true;
			break;
		}
		if (pid == 0) {
			if (sh.jobctl) {
				setpgid(0, pgid);
				if (!bg)
					tcsetpgrp(sh.tty, pgid ? pgid : getpid());
			}
			sh_child_setup(bg);
			if (in >= 0) {
				dup2(in, 0);
				close(in);
			}
			if (p[1] >= 0) {
				close(p[0]);
				dup2(p[1], 1);
				close(p[1]);
			}
			become(&ec[i]);
		}
		if (sh.jobctl) {
			if (pgid == 0)
				pgid = pid;
			setpgid(pid, pgid);
			job_set_pgid(job, pgid);
		}
		job_add_proc(job, pid);
		last = pid;
		if (in >= 0)
			close(in);
		if (p[1] >= 0)
			close(p[1]);
		in = p[0];
	}
	if (in >= 0)
		close(in);

	if (bg) {
		sh.last_bg = last;
		if (sh.interactive)
			fprintf(stderr, "[%d] %d\n", job_id(job), (int)last);
		return failed ? 1 : 0;
	}
	int status = job_wait_fg(job);
	return failed ? 1 : status;
}

/* --- and-or lists ------------------------------------------------------------- */

static int run_andor_fg(const struct andor *a)
{
	int status = 0;
	for (int i = 0; i < a->npipes; i++) {
		if (i > 0 && (a->ops[i - 1] == AO_AND) != (status == 0))
			continue; /* a && b: b only after success; a || b: only after failure */
		const struct pipeline *pl = &a->pipes[i];
		status = run_pipeline(pl, false, a->npipes == 1 ? a->text : "");
		if (pl->bang)
			status = !status;
		sh.status = status;
	}
	return status;
}

/* `a && b &`: a copy of the shell runs the list, as one background job. */
static int run_andor_bg(const struct andor *a)
{
	struct job *job = job_new(a->text, true);
	pid_t pid = fork();
	if (pid < 0) {
		sh_error("fork: %s", strerror(errno));
		job_release(job);
		return 1;
	}
	if (pid == 0) {
		if (sh.jobctl)
			setpgid(0, 0);
		sh_child_setup(true);
		sh.interactive = sh.jobctl = false; /* its pipelines share its group */
		sh_exit(run_andor_fg(a));
	}
	if (sh.jobctl) {
		setpgid(pid, pid);
		job_set_pgid(job, pid);
	}
	job_add_proc(job, pid);
	sh.last_bg = pid;
	if (sh.interactive)
		fprintf(stderr, "[%d] %d\n", job_id(job), (int)pid);
	return 0;
}

int sh_run_list(const struct list *l)
{
	for (int i = 0; i < l->n; i++) {
		const struct andor *a = &l->items[i];
		if (!a->bg)
			sh.status = run_andor_fg(a);
		else if (a->npipes == 1 && !a->pipes[0].bang)
			sh.status = run_pipeline(&a->pipes[0], true, a->text);
		else
			sh.status = run_andor_bg(a);
	}
	return sh.status;
}
