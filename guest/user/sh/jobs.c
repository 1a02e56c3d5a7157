/*
 * jobs.c: the job table.
 *
 * A job is one pipeline (or one backgrounded and-or list, run by a
 * subshell): its processes, their wait statuses as they end, and with job
 * control its process group.  Foreground jobs are in the table only while
 * the shell waits for them (id 0, never listed); background jobs get the
 * next number above the highest in use and stay until their end has been
 * reported -- by a notice before the prompt (interactive), `jobs`, `wait`
 * or `fg`.  Every child is reaped by waitpid(-1), so a background job that
 * ends while the shell waits for the foreground is recorded, not lost.
 *
 * Invariants: nlive counts the job's processes not yet reaped; a job whose
 * nlive is 0 is finished and its status is the last process's.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <lde.h>
#include "sh.h"

struct jproc {
	pid_t pid;
	int status; /* wait status, once done */
	bool done;
};

struct job {
	int id;     /* 0: a foreground job */
	pid_t pgid; /* 0 without job control */
	struct jproc *procs;
	int nprocs, cap;
	int nlive;
	bool bg;
	char *text;
	struct job *next; /* in order of id */
};

static struct job *jobs;

int sh_status(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return 255;
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n);
	if (p == NULL) {
		sh_error("out of memory");
		sh_exit(2);
	}
	return p;
}

struct job *job_new(const char *text, bool bg)
{
	struct job *j = xmalloc(sizeof *j);
	memset(j, 0, sizeof *j);
	j->bg = bg;
	j->text = xmalloc(strlen(text) + 1);
	strcpy(j->text, text);
	int max = 0;
	struct job **tail = &jobs;
	for (; *tail; tail = &(*tail)->next)
		if ((*tail)->id > max)
			max = (*tail)->id;
	j->id = bg ? max + 1 : 0;
	*tail = j;
	return j;
}

void job_add_proc(struct job *j, pid_t pid)
{
	if (j->nprocs == j->cap) {
		j->cap = j->cap ? j->cap * 2 : 4;
		struct jproc *p = xmalloc((size_t)j->cap * sizeof *p);
		if (j->nprocs)
			memcpy(p, j->procs, (size_t)j->nprocs * sizeof *p);
		free(j->procs);
		j->procs = p;
	}
	j->procs[j->nprocs++] = (struct jproc){pid, 0, false};
	j->nlive++;
}

pid_t job_pgid(const struct job *j)
{
	return j->pgid;
}

void job_set_pgid(struct job *j, pid_t pgid)
{
	j->pgid = pgid;
}

int job_id(const struct job *j)
{
	return j->id;
}

void job_release(struct job *j)
{
	for (struct job **p = &jobs; *p; p = &(*p)->next)
		if (*p == j) {
			*p = j->next;
			break;
		}
	free(j->procs);
	free(j->text);
	free(j);
}

/* Note that pid ended with wait status st. */
static void record(pid_t pid, int st)
{
	for (struct job *j = jobs; j; j = j->next)
		for (int i = 0; i < j->nprocs; i++)
			if (j->procs[i].pid == pid && !j->procs[i].done) {
				j->procs[i].done = true;
				j->procs[i].status = st;
				j->nlive--;
				return;
			}
	/* not one of ours (a process handed to us by exec): nothing to note */
}

/* No children left at all: whatever we still count as alive is not. */
static void forget_all(void)
{
	for (struct job *j = jobs; j; j = j->next)
		for (int i = 0; i < j->nprocs; i++)
			if (!j->procs[i].done) {
				j->procs[i].done = true;
				j->procs[i].status = LDE_W_EXITED(127);
				j->nlive--;
			}
}

int jobs_reap_all(void)
{
	int n = 0, st;
	pid_t pid;
	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		record(pid, st);
		n++;
	}
	if (pid < 0 && errno == ECHILD)
		forget_all();
	return n;
}

/* Block until j has ended.  With interruptible, a SIGINT at the shell
 * (the `wait` built-in at a terminal) ends the wait: returns -1. */
static int wait_job(struct job *j, bool interruptible)
{
	while (j->nlive > 0) {
		int st;
		pid_t pid = waitpid(-1, &st, 0);
		if (pid > 0) {
			record(pid, st);
		} else if (errno == ECHILD) {
			forget_all();
		} else if (errno == EINTR) {
			if (interruptible && sh.got_sigint) {
				sh.got_sigint = 0;
				return -1;
			}
		} else {
			sh_error("waitpid: %s", strerror(errno));
			return -1;
		}
	}
	return 0;
}

static int job_status(const struct job *j)
{
	return j->nprocs ? j->procs[j->nprocs - 1].status : 0;
}

void sh_report_signal(int st)
{
	if (!WIFSIGNALED(st))
		return;
	int sig = WTERMSIG(st);
	if (sig == SIGINT) /* the console already showed ^C */
		return;
	if (sig == SIGPIPE) /* a pipeline's reader went away: not worth a word */
		return;
	fprintf(stderr, "%s (signal %d)\n", strsignal(sig), sig);
}

/* The console back to the shell, in cooked mode (a program killed in raw
 * mode, such as top by SIGKILL, cannot restore it itself). */
static void console_back(void)
{
	if (!sh.jobctl)
		return;
	tcsetpgrp(sh.tty, sh.pgid);
	if (lde_tty_getmode(sh.tty) == LDE_TTY_RAW)
		lde_tty_setmode(sh.tty, LDE_TTY_COOKED);
}

int job_wait_fg(struct job *j)
{
	j->bg = false;
	if (sh.jobctl && j->pgid > 0)
		tcsetpgrp(sh.tty, j->pgid);
	wait_job(j, false);
	console_back();
	/* One report per job: the first process killed by a signal worth one. */
	for (int i = 0; i < j->nprocs; i++)
		if (WIFSIGNALED(j->procs[i].status) && WTERMSIG(j->procs[i].status) != SIGPIPE) {
			sh_report_signal(j->procs[i].status);
			break;
		}
	int status = sh_status(job_status(j));
	job_release(j);
	return status;
}

/* --- reporting --------------------------------------------------------------- */

static struct job *current(int rank) /* 0: the current job (+), 1: the previous (-) */
{
	struct job *best[2] = {NULL, NULL};
	for (struct job *j = jobs; j; j = j->next) {
		if (j->id == 0)
			continue;
		if (best[0] == NULL || j->id > best[0]->id) {
			best[1] = best[0];
			best[0] = j;
		} else if (best[1] == NULL || j->id > best[1]->id) {
			best[1] = j;
		}
	}
	return best[rank];
}

static void state_text(const struct job *j, char *buf, size_t n)
{
	int st = job_status(j);
	if (j->nlive > 0)
		snprintf(buf, n, "Running");
	else if (WIFSIGNALED(st))
		snprintf(buf, n, "%s", strsignal(WTERMSIG(st)));
	else if (WEXITSTATUS(st))
		snprintf(buf, n, "Exit %d", WEXITSTATUS(st));
	else
		snprintf(buf, n, "Done");
}

/* "[1]+  Running                 spin &" */
static void print_job(FILE *f, const struct job *j, bool pids)
{
	char state[48];
	state_text(j, state, sizeof state);
	char mark = j == current(0) ? '+' : j == current(1) ? '-' : ' ';
	fprintf(f, "[%d]%c  ", j->id, mark);
	if (pids)
		fprintf(f, "%d ", j->nprocs ? (int)j->procs[0].pid : 0);
	fprintf(f, "%-24s%s%s\n", state, j->text, j->nlive > 0 ? " &" : "");
}

void jobs_notify(void)
{
	jobs_reap_all();
	for (struct job *j = jobs, *next; j; j = next) {
		next = j->next;
		if (j->id > 0 && j->nlive == 0) {
			print_job(stderr, j, false);
			job_release(j);
		}
	}
}

/* --- finding jobs ------------------------------------------------------------- */

struct job *job_find(const char *spec, const char *who)
{
	struct job *found = NULL;
	if (spec[0] == '%') {
		const char *s = spec + 1;
		if (*s == '\0' || strcmp(s, "%") == 0 || strcmp(s, "+") == 0) {
			found = current(0);
		} else if (strcmp(s, "-") == 0) {
			found = current(1);
		} else if (*s >= '0' && *s <= '9') {
			int id = atoi(s);
			for (struct job *j = jobs; j && !found; j = j->next)
				if (j->id == id && id > 0)
					found = j;
		} else { /* %NAME: the job whose command starts with NAME */
			for (struct job *j = jobs; j; j = j->next)
				if (j->id > 0 && strncmp(j->text, s, strlen(s)) == 0) {
					if (found) {
						sh_error("%s: %s: ambiguous job", who, spec);
						return NULL;
					}
					found = j;
				}
		}
	} else {
		pid_t pid = atoi(spec);
		for (struct job *j = jobs; j && !found; j = j->next)
			for (int i = 0; i < j->nprocs; i++)
				if (j->procs[i].pid == pid && j->id > 0)
					found = j;
	}
	if (found == NULL)
		sh_error("%s: %s: no such job", who, spec);
	return found;
}

/* The whole job: its process group, or each live process without one. */
int job_signal(struct job *j, int sig)
{
	if (j->pgid > 0)
		return kill(-j->pgid, sig);
	int r = 0;
	for (int i = 0; i < j->nprocs; i++)
		if (!j->procs[i].done && kill(j->procs[i].pid, sig) < 0)
			r = -1;
	return r;
}

/* --- built-ins --------------------------------------------------------------- */

int bi_jobs(int argc, char **argv)
{
	bool pids = false, only_pids = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-l") == 0) {
			pids = true;
		} else if (strcmp(argv[i], "-p") == 0) {
			only_pids = true;
		} else {
			sh_error("jobs: usage: jobs [-l | -p]");
			return 2;
		}
	}
	jobs_reap_all();
	for (struct job *j = jobs, *next; j; j = next) {
		next = j->next;
		if (j->id == 0)
			continue;
		if (only_pids)
			printf("%d\n", j->nprocs ? (int)j->procs[0].pid : 0);
		else
			print_job(stdout, j, pids);
		if (j->nlive == 0) /* reported: forget it */
			job_release(j);
	}
	return 0;
}

int bi_fg(int argc, char **argv)
{
	if (argc > 2) {
		sh_error("fg: usage: fg [%%JOB]");
		return 2;
	}
	struct job *j = argc == 2 ? job_find(argv[1], "fg") : current(0);
	if (j == NULL) {
		if (argc < 2)
			sh_error("fg: no current job");
		return 1;
	}
	printf("%s\n", j->text);
	fflush(stdout);
	if (sh.jobctl && j->pgid > 0) {
		tcsetpgrp(sh.tty, j->pgid);
		kill(-j->pgid, SIGCONT); /* harmless: jobs never stop in lde */
	}
	j->id = 0; /* it is the foreground job now */
	return job_wait_fg(j);
}

int bi_wait(int argc, char **argv)
{
	if (argc == 1) { /* every job; POSIX: the status is then 0 */
		for (struct job *j = jobs, *next; j; j = next) {
			next = j->next;
			if (j->id == 0)
				continue;
			if (wait_job(j, true) < 0)
				return 130;
			job_release(j);
		}
		return 0;
	}
	int status = 0;
	for (int i = 1; i < argc; i++) {
		struct job *j = job_find(argv[i], "wait");
		if (j == NULL) {
			status = 127;
			continue;
		}
		if (wait_job(j, true) < 0)
			return 130;
		status = sh_status(job_status(j));
		job_release(j);
	}
	return status;
}
