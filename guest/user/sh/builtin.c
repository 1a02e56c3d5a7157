/*
 * builtin.c: the commands the shell runs itself.  Only those that must:
 * cd, exit, export, unset and exec change the shell's own state; jobs,
 * fg, wait and kill need its job table; pwd, help and : are here for
 * convenience.  Everything else -- echo, true, ls -- is a program in
 * /bin, run by fork and exec, so each one is a process ps can show.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <lde.h>
#include <lde/fs.h>
#include "sh.h"

static int bi_colon(int argc, char **argv)
{
	(void)argc, (void)argv;
	return 0;
}

static int bi_cd(int argc, char **argv)
{
	if (argc > 2) {
		sh_error("cd: too many arguments");
		return 2;
	}
	const char *dir = argc == 2 ? argv[1] : getenv("HOME");
	if (dir == NULL || *dir == '\0')
		dir = "/";
	bool dash = strcmp(dir, "-") == 0;
	if (dash) {
		dir = getenv("OLDPWD");
		if (dir == NULL) {
			sh_error("cd: OLDPWD not set");
			return 1;
		}
	}
	char old[LDE_PATH_MAX];
	if (getcwd(old, sizeof old) == NULL)
		old[0] = '\0';
	if (chdir(dir) < 0) {
		sh_error("cd: %s: %s", dir, strerror(errno));
		return 1;
	}
	char now[LDE_PATH_MAX];
	if (old[0])
		setenv("OLDPWD", old, 1);
	if (getcwd(now, sizeof now))
		setenv("PWD", now, 1);
	if (dash)
		printf("%s\n", now);
	return 0;
}

static int bi_pwd(int argc, char **argv)
{
	(void)argc, (void)argv;
	char buf[LDE_PATH_MAX];
	if (getcwd(buf, sizeof buf) == NULL) {
		sh_error("pwd: %s", strerror(errno));
		return 1;
	}
	printf("%s\n", buf);
	return 0;
}

static int bi_exit(int argc, char **argv)
{
	int status = sh.status;
	if (argc > 2) {
		sh_error("exit: too many arguments");
		return 2;
	}
	if (argc == 2) {
		char *end;
		long v = strtol(argv[1], &end, 10);
		if (*argv[1] == '\0' || *end != '\0') {
			sh_error("exit: %s: numeric argument required", argv[1]);
			status = 2;
		} else {
			status = (int)(v & 0xff);
		}
	}
	sh_exit(status);
}

static int bi_export(int argc, char **argv)
{
	extern char **environ;
	if (argc == 1) {
		for (char **e = environ; e && *e; e++)
			printf("export %s\n", *e);
		return 0;
	}
	int status = 0;
	for (int i = 1; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		if (eq == NULL) /* every variable is in the environment already */
			continue;
		char *name = sh_strndup(argv[i], (size_t)(eq - argv[i]));
		if (!sh_is_assignment(argv[i]) || setenv(name, eq + 1, 1) < 0) {
			sh_error("export: %s: not a valid name", name);
			status = 1;
		}
	}
	return status;
}

static int bi_unset(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		unsetenv(argv[i]);
	return 0;
}

/* kill [-s SIG | -SIG | -N] [--] (PID | -PGID | %JOB)...   kill -l [N...] */
static int bi_kill(int argc, char **argv)
{
	int sig = SIGTERM, i = 1;
	if (i < argc && strcmp(argv[i], "-l") == 0)
		return lde_kill_list(argc - 2, argv + 2);
	if (i < argc && strcmp(argv[i], "-s") == 0) {
		if (i + 1 >= argc || str2sig(argv[i + 1], &sig) < 0) {
			sh_error("kill: %s: no such signal", i + 1 < argc ? argv[i + 1] : "");
			return 2;
		}
		i += 2;
	} else if (i < argc && argv[i][0] == '-' && argv[i][1] && strcmp(argv[i], "--") != 0) {
		if (str2sig(argv[i] + 1, &sig) < 0) {
			sh_error("kill: %s: no such signal", argv[i] + 1);
			return 2;
		}
		i++;
	}
	if (i < argc && strcmp(argv[i], "--") == 0)
		i++;
	if (i >= argc) {
		sh_error("kill: usage: kill [-s SIGNAL | -SIGNAL] PID | %%JOB ...; kill -l");
		return 2;
	}
	int status = 0;
	for (; i < argc; i++) {
		int r;
		if (argv[i][0] == '%') {
			struct job *j = job_find(argv[i], "kill");
			if (j == NULL) {
				status = 1;
				continue;
			}
			r = job_signal(j, sig);
		} else {
			char *end;
			long pid = strtol(argv[i], &end, 10);
			if (*argv[i] == '\0' || *end != '\0') {
				sh_error("kill: %s: not a pid or job", argv[i]);
				status = 1;
				continue;
			}
			r = kill((pid_t)pid, sig);
		}
		if (r < 0) {
			sh_error("kill: %s: %s", argv[i], strerror(errno));
			status = 1;
		}
	}
	return status;
}

static void help_line(const char *const a[2], const char *const b[2])
{
	if (b[0][0])
		printf("  %-16s %-21s %-15s %s\n", a[0], a[1], b[0], b[1]);
	else
		printf("  %-16s %s\n", a[0], a[1]);
}

static int bi_help(int argc, char **argv)
{
	(void)argc, (void)argv;
	static const char *const builtins[][2] = {
	    {"cd [DIR | -]", "change directory"},
	    {"pwd", "print it"},
	    {"exit [N]", "leave with status N"},
	    {"help", "this text"},
	    {"jobs [-l | -p]", "background jobs"},
	    {"fg [%N]", "job N to the front"},
	    {"wait [%N | PID]", "wait for jobs"},
	    {"kill [-SIG] ...", "PID, %N or -PGROUP"},
	    {"export N=V", "set a variable"},
	    {"unset N", "remove it"},
	    {"exec CMD", "become CMD"},
	    {":", "do nothing"},
	};
	static const char *const syntax[][2] = {
	    {"a | b | c", "a pipeline"},
	    {"a; b", "one after the other"},
	    {"a && b", "b if a succeeded"},
	    {"a || b", "b if a failed"},
	    {"a &", "in the background"},
	    {"! a", "a's status inverted"},
	    {"< f  > f  >> f", "redirection"},
	    {"2> f  2>&1", "stderr too"},
	    {"'x y' \"x $V\" \\c", "quoting"},
	    {"$? $$ $! $NAME", "expansions"},
	    {"# ...", "a comment"},
	    {"", ""},
	};
	printf("lde's sh: a command is a program in /bin (ls /bin), or one of these built-ins:\n");
	for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i += 2)
		help_line(builtins[i], builtins[i + 1]);
	printf("Syntax:\n");
	for (size_t i = 0; i < sizeof syntax / sizeof syntax[0]; i += 2)
		help_line(syntax[i], syntax[i + 1]);
	printf("Ctrl-C stops the foreground job; Ctrl-D at the prompt ends the shell.\n"
	       "Try p1, p2, p3, hw1 ... hw8 (OSTEP chapter 5), ps, top, spin &, kill %%1.\n");
	return 0;
}

static const struct {
	const char *name;
	builtin_fn fn;
} builtins[] = {
    {":", bi_colon},       {"cd", bi_cd},       {"pwd", bi_pwd},   {"exit", bi_exit},
    {"export", bi_export}, {"unset", bi_unset}, {"jobs", bi_jobs}, {"fg", bi_fg},
    {"wait", bi_wait},     {"kill", bi_kill},   {"help", bi_help},
};

builtin_fn sh_builtin(const char *name)
{
	for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
		if (strcmp(builtins[i].name, name) == 0)
			return builtins[i].fn;
	return NULL;
}

bool sh_is_special_exec(const char *name)
{
	return strcmp(name, "exec") == 0;
}

/* exec with redirections only: they stay.  exec CMD: the shell becomes
 * CMD (same pid, same process group, the console stays with it). */
int sh_exec_builtin(int argc, char **argv, const struct redir *redirs)
{
	if (sh_redirect(redirs, NULL, NULL, 0) < 0)
		return 1;
	if (argc < 2)
		return 0;
	sh_child_setup(false);
	execvp(argv[1], argv + 1);
	int err = errno;
	sh_error("exec: %s: %s", argv[1], err == ENOENT ? "not found" : strerror(err));
	int status = err == ENOENT || err == ENOTDIR ? 127 : 126;
	if (!sh.interactive)
		sh_exit(status);
	sh_signals_init(); /* sh_child_setup reset them */
	return status;
}
