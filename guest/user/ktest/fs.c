/*
 * fs.c: `ktest fs [CASE...]`, the kernel's file-system and pipe cases
 * (tests/43-fs.t): the initrd's files written in place, holes, files
 * larger than the block map's direct and indirect parts, unlinked open
 * files, shared offsets, getdents while entries go, the name limits,
 * removed working directories, memory and inode exhaustion, a program
 * written at run time, pipe atomicity and leaks.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <lde.h>
#include <lde/syscall.h>

#include "ktest.h"

static uint64_t free_pages(void)
{
	struct lde_sysinfo si;
	return lde_sysinfo(&si) == 0 ? si.pages_free : 0;
}

/* Free pages before a leak check, once the case's own pages exist: errno
 * (the first error would fault its page in) and the buffers given. */
static uint64_t baseline(void *buf, size_t n)
{
	errno = 0;
	if (buf)
		memset(buf, 0, n);
	return free_pages();
}

static ssize_t read_all(int fd, void *buf, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = read(fd, (char *)buf + got, n - got);
		if (r <= 0)
			return r < 0 ? -1 : (ssize_t)got;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

static ssize_t write_all(int fd, const void *buf, size_t n)
{
	size_t put = 0;
	while (put < n) {
		ssize_t r = write(fd, (const char *)buf + put, n - put);
		if (r <= 0)
			return r < 0 ? -1 : (ssize_t)put;
		put += (size_t)r;
	}
	return (ssize_t)put;
}

static uint8_t pattern(uint64_t i)
{
	return (uint8_t)(i * 131 + (i >> 12) * 7 + 1);
}

/* ---- the initrd's files, written in place ------------------------------- */

static uint8_t before[256 * 1024], after_[256 * 1024];

static int c_initrd_write(char *why)
{
	const char *path = "/bin/ktest";
	struct stat st;
	KCHECK(stat(path, &st) == 0 && st.st_size > 5 * 4096 && st.st_size <= (long)sizeof before,
	       "stat %s: size %ld", path, (long)st.st_size);
	int fd = open(path, O_RDWR);
	KCHECK(fd >= 0, "open %s O_RDWR: %s", path, strerror(errno));
	KCHECK(read_all(fd, before, (size_t)st.st_size) == st.st_size, "read it whole");
	/* Across a page boundary, in the middle of the archive's bytes. */
	const uint64_t at = 3 * 4096 - 2;
	KCHECK(lseek(fd, (off_t)at, SEEK_SET) == (off_t)at, "lseek");
	KCHECK(write(fd, "WXYZ", 4) == 4, "write: %s", strerror(errno));
	memcpy(before + at, "WXYZ", 4);
	KCHECK(lseek(fd, 0, SEEK_SET) == 0, "lseek 0");
	KCHECK(read_all(fd, after_, (size_t)st.st_size) == st.st_size, "read back");
	close(fd);
	for (long i = 0; i < st.st_size; i++)
		KCHECK(before[i] == after_[i], "byte %ld: %#x, want %#x", i, after_[i], before[i]);
	struct stat st2;
	KCHECK(stat(path, &st2) == 0 && st2.st_size == st.st_size, "size changed: %ld",
	       (long)st2.st_size);
	return 0;
}

static int c_initrd_trunc(char *why)
{
	int fd = open("/p4.c", O_WRONLY | O_TRUNC);
	KCHECK(fd >= 0, "open /p4.c O_TRUNC: %s", strerror(errno));
	struct stat st;
	KCHECK(fstat(fd, &st) == 0 && st.st_size == 0, "size %ld after O_TRUNC", (long)st.st_size);
	KCHECK(write(fd, "new\n", 4) == 4, "write: %s", strerror(errno));
	close(fd);
	char buf[16] = "";
	fd = open("/p4.c", O_RDONLY);
	KCHECK(read(fd, buf, sizeof buf) == 4 && !memcmp(buf, "new\n", 4), "read \"%s\"", buf);
	close(fd);
	return 0;
}

/* ---- holes and big files ---------------------------------------------------- */

static int c_sparse(char *why)
{
	static const uint64_t offs[] = {100000, 12 * 4096 + 5, 3 * 1024 * 1024 + 17};
	for (size_t k = 0; k < sizeof offs / sizeof offs[0]; k++) {
		unlink("/sparse");
		int fd = open("/sparse", O_CREAT | O_RDWR, 0644);
		KCHECK(fd >= 0, "create: %s", strerror(errno));
		KCHECK(lseek(fd, (off_t)offs[k], SEEK_SET) == (off_t)offs[k], "lseek");
		KCHECK(write(fd, "!", 1) == 1, "write at %lu: %s", (unsigned long)offs[k], strerror(errno));
		struct stat st;
		KCHECK(fstat(fd, &st) == 0 && (uint64_t)st.st_size == offs[k] + 1, "size %ld",
		       (long)st.st_size);
		/* The hole reads as zeros: look at its last page and the byte. */
		static char buf[4097];
		KCHECK(lseek(fd, (off_t)offs[k] - 4096, SEEK_SET) >= 0, "lseek back");
		KCHECK(read_all(fd, buf, 4097) == 4097, "read the hole's end");
		for (int i = 0; i < 4096; i++)
			KCHECK(buf[i] == 0, "hole byte %d before %lu is %#x", i, (unsigned long)offs[k], buf[i]);
		KCHECK(buf[4096] == '!', "the byte written: %#x", buf[4096]);
		close(fd);
	}
	uint64_t pages = baseline(NULL, 0);
	unlink("/sparse");
	KCHECK(free_pages() > pages, "unlink gave no page back");
	return 0;
}

static int c_big(char *why)
{
	/* 2.5 MiB: past the direct pages and the indirect page's 2 MiB. */
	enum { SIZE = 5 * 512 * 1024, CHUNK = 20000 };
	static uint8_t buf[CHUNK];
	uint64_t pages = baseline(buf, sizeof buf);
	int fd = open("/big", O_CREAT | O_TRUNC | O_RDWR, 0644);
	KCHECK(fd >= 0, "create: %s", strerror(errno));
	for (uint64_t off = 0; off < SIZE; off += CHUNK) {
		size_t n = SIZE - off < CHUNK ? SIZE - off : CHUNK;
		for (size_t i = 0; i < n; i++)
			buf[i] = pattern(off + i);
		KCHECK(write_all(fd, buf, n) == (ssize_t)n, "write at %lu: %s", (unsigned long)off,
		       strerror(errno));
	}
	KCHECK(lseek(fd, 0, SEEK_SET) == 0, "lseek");
	for (uint64_t off = 0; off < SIZE; off += CHUNK) {
		size_t n = SIZE - off < CHUNK ? SIZE - off : CHUNK;
		KCHECK(read_all(fd, buf, n) == (ssize_t)n, "read at %lu", (unsigned long)off);
		for (size_t i = 0; i < n; i++)
			KCHECK(buf[i] == pattern(off + i), "byte %lu wrong", (unsigned long)(off + i));
	}
	KCHECK(read(fd, buf, 1) == 0, "no EOF at %d", SIZE);
	close(fd);
	KCHECK(free_pages() + SIZE / 4096 <= pages, "2.5 MiB written but only %ld pages used",
	       (long)(pages - free_pages()));
	unlink("/big");
	KCHECK(free_pages() == pages, "%ld pages not given back by unlink",
	       (long)(pages - free_pages()));
	return 0;
}

/* ---- unlinked but open; shared offsets; O_APPEND -------------------------------- */

static int c_unlinked_open(char *why)
{
	static char buf[3 * 4096];
	struct stat st;
	uint64_t pages = baseline(buf, sizeof buf);
	memset(buf, 'g', sizeof buf);
	int fd = open("/gone", O_CREAT | O_RDWR | O_TRUNC, 0644);
	KCHECK(fd >= 0, "create: %s", strerror(errno));
	KCHECK(write(fd, buf, sizeof buf) == (ssize_t)sizeof buf, "write");
	KCHECK(unlink("/gone") == 0, "unlink: %s", strerror(errno));
	errno = 0;
	KCHECK(open("/gone", O_RDONLY) < 0 && errno == ENOENT, "the name is still there");
	KCHECK(fstat(fd, &st) == 0 && st.st_nlink == 0 && st.st_size == (long)sizeof buf,
	       "fstat: nlink %ld size %ld", (long)st.st_nlink, (long)st.st_size);
	KCHECK(lseek(fd, 0, SEEK_SET) == 0 && read_all(fd, buf, sizeof buf) == (ssize_t)sizeof buf &&
	           buf[0] == 'g' && buf[sizeof buf - 1] == 'g',
	       "the data is gone while open");
	KCHECK(free_pages() < pages, "no pages held while open");
	close(fd);
	KCHECK(free_pages() == pages, "%ld pages not freed by the last close",
	       (long)(pages - free_pages()));
	return 0;
}

static int c_shared_offset(char *why)
{
	int fd = open("/shared", O_CREAT | O_RDWR | O_TRUNC, 0644);
	KCHECK(fd >= 0, "create: %s", strerror(errno));
	int d = dup(fd);
	write(fd, "ab", 2);
	write(d, "cd", 2);
	pid_t pid = fork();
	if (pid == 0) {
		write(fd, "ef", 2);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	write(fd, "gh", 2);
	KCHECK(lseek(d, 0, SEEK_CUR) == 8, "offset %ld, want 8 (shared by dup and fork)",
	       (long)lseek(d, 0, SEEK_CUR));
	int other = open("/shared", O_RDONLY); /* a separate open has its own offset */
	char buf[16] = "";
	KCHECK(read(other, buf, sizeof buf) == 8 && !memcmp(buf, "abcdefgh", 8), "read \"%s\"", buf);
	int a1 = open("/shared", O_WRONLY | O_APPEND), a2 = open("/shared", O_WRONLY | O_APPEND);
	write(a1, "1", 1);
	write(a2, "2", 1);
	write(a1, "3", 1);
	KCHECK(lseek(other, 0, SEEK_SET) == 0 && read(other, buf, sizeof buf) == 11 &&
	           !memcmp(buf, "abcdefgh123", 11),
	       "O_APPEND from two opens: \"%.11s\"", buf);
	close(fd), close(d), close(other), close(a1), close(a2);
	unlink("/shared");
	return 0;
}

/* ---- directories ---------------------------------------------------------------- */

static int c_readdir_remove(char *why)
{
	enum { N = 20 };
	char name[32];
	KCHECK(mkdir("/rd", 0755) == 0, "mkdir: %s", strerror(errno));
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof name, "/rd/f%02d", i);
		int fd = open(name, O_CREAT | O_WRONLY, 0644);
		KCHECK(fd >= 0, "create %s: %s", name, strerror(errno));
		close(fd);
	}
	int fd = open("/rd", O_RDONLY | O_DIRECTORY);
	int seen[N] = {0}, dots = 0;
	struct lde_dirent de;
	long r;
	while ((r = lde_syscall(SYS_getdents, fd, &de, sizeof de)) > 0) {
		if (!strcmp(de.name, ".") || !strcmp(de.name, "..")) {
			dots++;
			continue;
		}
		int i = atoi(de.name + 1);
		KCHECK(i >= 0 && i < N && !seen[i], "%s listed twice or unknown", de.name);
		seen[i] = 1;
		/* Remove it, and one further on: the listing goes on unharmed. */
		snprintf(name, sizeof name, "/rd/%s", de.name);
		unlink(name);
		if (i + 7 < N && !seen[i + 7]) {
			snprintf(name, sizeof name, "/rd/f%02d", i + 7);
			if (unlink(name) == 0)
				seen[i + 7] = 2;
		}
	}
	close(fd);
	KCHECK(r == 0, "getdents: %ld", r);
	KCHECK(dots == 2, "'.' and '..' listed %d times", dots);
	for (int i = 0; i < N; i++)
		KCHECK(seen[i], "f%02d never listed (nor removed before its turn)", i);
	KCHECK(rmdir("/rd") == 0, "rmdir: %s", strerror(errno));
	return 0;
}

static int c_names(char *why)
{
	char n55[80], n56[80], path[300];
	memset(n55, 'x', 56);
	n55[0] = '/';
	n55[56] = 0; /* "/" + 55 bytes */
	memset(n56, 'y', 57);
	n56[0] = '/';
	n56[57] = 0; /* "/" + 56 bytes */
	int fd = open(n55, O_CREAT | O_WRONLY, 0644);
	KCHECK(fd >= 0, "a 55-byte name: %s", strerror(errno));
	close(fd);
	unlink(n55);
	errno = 0;
	KCHECK(open(n56, O_CREAT | O_WRONLY, 0644) < 0 && errno == ENAMETOOLONG,
	       "a 56-byte name: errno %d", errno);
	errno = 0;
	KCHECK(mkdir(n56, 0755) < 0 && errno == ENAMETOOLONG, "mkdir of a 56-byte name: errno %d",
	       errno);
	/* 255 bytes with the NUL fits LDE_PATH_MAX (256); 256 does not. */
	memset(path, '/', sizeof path);
	memcpy(path + 250, "p1.c", 5); /* 254 chars */
	KCHECK(open(path, O_RDONLY) >= 0, "a 254-byte path: %s", strerror(errno));
	memset(path, '/', sizeof path);
	memcpy(path + 252, "p1.c", 5); /* 256 chars */
	errno = 0;
	KCHECK(open(path, O_RDONLY) < 0 && errno == ENAMETOOLONG, "a 256-byte path: errno %d", errno);
#define ERRNO(call, e, what)                                                                       \
	do {                                                                                       \
		errno = 0;                                                                         \
		long r_ = (call);                                                                  \
		KCHECK(r_ < 0 && errno == (e), "%s: %ld, errno %d, want %d", what, r_, errno, e);  \
	} while (0)
	ERRNO(open("", O_RDONLY), ENOENT, "open \"\"");
	ERRNO(open("/p1.c", 3), EINVAL, "open O_RDWR|O_WRONLY");
	ERRNO(open("/bin/.", O_CREAT | O_WRONLY, 0644), EISDIR, "create /bin/.");
	ERRNO(open("/newfile/", O_CREAT | O_WRONLY, 0644), EISDIR, "create newfile/");
	ERRNO(open("/p1.c", O_RDONLY | O_DIRECTORY), ENOTDIR, "O_DIRECTORY on a file");
	ERRNO(open("/p1.c/", O_RDONLY), ENOTDIR, "a file with a trailing slash");
	ERRNO(mkdir("/", 0755), EEXIST, "mkdir /");
	ERRNO(mkdir("/bin/..", 0755), EEXIST, "mkdir /bin/..");
	ERRNO(rmdir("/"), EBUSY, "rmdir /");
	ERRNO(rmdir("/bin/."), EINVAL, "rmdir /bin/.");
	ERRNO(unlink("/bin"), EISDIR, "unlink /bin");
	ERRNO(unlink("/p1.c/x"), ENOTDIR, "unlink /p1.c/x");
	ERRNO(chdir("/no/such"), ENOENT, "chdir /no/such");
	ERRNO(chdir("/p1.c"), ENOTDIR, "chdir /p1.c");
	ERRNO(lseek(open("/p1.c", O_RDONLY), 0, 7), EINVAL, "lseek whence 7");
	KCHECK(mkdir("/trail/", 0755) == 0 && rmdir("/trail/") == 0, "mkdir/rmdir with a slash: %s",
	       strerror(errno));
	KCHECK(open("/bin/../p1.c", O_RDONLY) >= 0 && open("/../../p1.c", O_RDONLY) >= 0 &&
	           open("/bin/./sh", O_RDONLY) >= 0,
	       ". and .. in paths: %s", strerror(errno));
	return 0;
}

static int c_cwd_removed(char *why)
{
	char buf[64];
	KCHECK(mkdir("/wd", 0755) == 0 && chdir("/wd") == 0, "mkdir/chdir: %s", strerror(errno));
	int fd = open("here", O_CREAT | O_WRONLY, 0644);
	KCHECK(fd >= 0, "relative create: %s", strerror(errno));
	close(fd);
	struct stat st;
	KCHECK(stat("/wd/here", &st) == 0, "created elsewhere");
	errno = 0;
	KCHECK(rmdir("/wd") < 0 && errno == ENOTEMPTY, "rmdir of a non-empty cwd: errno %d", errno);
	KCHECK(unlink("here") == 0 && rmdir("/wd") == 0, "rmdir of our empty cwd: %s",
	       strerror(errno));
	errno = 0;
	KCHECK(getcwd(buf, sizeof buf) == NULL && errno == ENOENT, "getcwd in a removed directory: errno %d",
	       errno);
	errno = 0;
	KCHECK(open("x", O_CREAT | O_WRONLY, 0644) < 0 && errno == ENOENT,
	       "create in a removed directory: errno %d", errno);
	errno = 0;
	KCHECK(chdir("..") < 0 && errno == ENOENT, "chdir .. from a removed directory: errno %d", errno);
	KCHECK(chdir("/bin") == 0 && getcwd(buf, sizeof buf) && !strcmp(buf, "/bin"), "chdir /bin: %s",
	       buf);
	KCHECK(mkdir("/wd", 0755) == 0 && rmdir("/wd") == 0, "the name is free again");
	return 0;
}

/* ---- exhaustion --------------------------------------------------------------------- */

/* With little memory (tests/43 boots with --mem 24M): write until ENOSPC;
 * unlink gives it all back; fork still works meanwhile. */
static int c_enospc(char *why)
{
	static char buf[64 * 1024];
	uint64_t pages = baseline(buf, sizeof buf);
	memset(buf, 'e', sizeof buf);
	int fd = open("/fill", O_CREAT | O_WRONLY | O_TRUNC, 0644);
	KCHECK(fd >= 0, "create: %s", strerror(errno));
	uint64_t total = 0;
	ssize_t r;
	while ((r = write(fd, buf, sizeof buf)) > 0)
		total += (uint64_t)r;
	int e = errno;
	KCHECK(r == -1 && e == ENOSPC, "write ended with %zd errno %d, want ENOSPC", r, e);
	KCHECK(total > 4 * 1024 * 1024, "only %lu bytes fit", (unsigned long)total);
	close(fd);
	KCHECK(unlink("/fill") == 0, "unlink: %s", strerror(errno));
	KCHECK(free_pages() == pages, "%ld pages lost", (long)(pages - free_pages()));
	pid_t pid = fork();
	if (pid == 0)
		_exit(0);
	KCHECK(pid > 0 && waitpid(pid, NULL, 0) == pid, "fork afterwards: %s", strerror(errno));
	printf("ktest: enospc after %lu KiB\n", (unsigned long)(total / 1024));
	return 0;
}

static int c_inodes(char *why)
{
	char name[32];
	int n = 0;
	KCHECK(mkdir("/many", 0755) == 0, "mkdir: %s", strerror(errno));
	for (;; n++) {
		snprintf(name, sizeof name, "/many/%d", n);
		int fd = open(name, O_CREAT | O_WRONLY, 0644);
		if (fd < 0)
			break;
		close(fd);
	}
	int e = errno;
	KCHECK(e == ENOSPC && n > 500, "after %d files: errno %d, want ENOSPC", n, e);
	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof name, "/many/%d", i);
		KCHECK(unlink(name) == 0, "unlink %s: %s", name, strerror(errno));
	}
	KCHECK(rmdir("/many") == 0, "rmdir: %s", strerror(errno));
	int fd = open("/again", O_CREAT | O_WRONLY, 0644);
	KCHECK(fd >= 0, "a file after freeing them: %s", strerror(errno));
	close(fd);
	unlink("/again");
	printf("ktest: inodes: %d files until ENOSPC\n", n);
	return 0;
}

/* ---- a program written at run time runs ------------------------------------------- */

static int c_exec_written(char *why)
{
	static char buf[64 * 1024];
	int in = open("/bin/echo", O_RDONLY);
	int out = open("/myecho", O_CREAT | O_WRONLY | O_TRUNC, 0755);
	KCHECK(in >= 0 && out >= 0, "open: %s", strerror(errno));
	ssize_t n;
	while ((n = read(in, buf, sizeof buf)) > 0)
		KCHECK(write_all(out, buf, (size_t)n) == n, "write: %s", strerror(errno));
	close(in);
	close(out);
	int p[2];
	pipe(p);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		char *args[] = {"myecho", "written", "at", "run", "time", NULL};
		execv("/myecho", args);
		_exit(127);
	}
	close(p[1]);
	char got[64] = "";
	n = read_all(p[0], got, sizeof got - 1);
	int st;
	waitpid(pid, &st, 0);
	KCHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "/myecho: %s", ktest_status(st));
	KCHECK(n > 0 && !strcmp(got, "written at run time\n"), "printed \"%s\"", got);
	unlink("/myecho");
	return 0;
}

/* ---- pipes ------------------------------------------------------------------------- */

static int c_pipe_atomic(char *why)
{
	int p[2];
	KCHECK(pipe(p) == 0, "pipe: %s", strerror(errno));
	enum { BLOCK = 4096, ROUNDS = 16 };
	for (int w = 0; w < 2; w++) {
		if (fork() == 0) {
			static char b[BLOCK];
			memset(b, 'A' + w, sizeof b);
			close(p[0]);
			for (int i = 0; i < ROUNDS; i++)
				if (write(p[1], b, sizeof b) != BLOCK)
					_exit(1);
			_exit(0);
		}
	}
	close(p[1]);
	static char b[BLOCK];
	int blocks = 0;
	while (read_all(p[0], b, BLOCK) == BLOCK) {
		for (int i = 1; i < BLOCK; i++)
			KCHECK(b[i] == b[0], "block %d mixes writers at byte %d", blocks, i);
		blocks++;
	}
	wait(NULL);
	wait(NULL);
	KCHECK(blocks == 2 * ROUNDS, "%d whole blocks, want %d", blocks, 2 * ROUNDS);
	close(p[0]);
	return 0;
}

static int c_pipe_leak(char *why)
{
	static int fds[64][2];
	int n = 0;
	uint64_t pages = baseline(fds, sizeof fds);
	for (int i = 0; i < 200; i++) {
		int p[2];
		KCHECK(pipe(p) == 0, "pipe #%d: %s", i, strerror(errno));
		write(p[1], "x", 1);
		close(p[0]);
		close(p[1]);
	}
	KCHECK(free_pages() == pages, "%ld pages lost over 200 pipes", (long)(pages - free_pages()));
	/* Descriptors run out before the pipe table: EMFILE, and nothing leaks. */
	while (n < 64 && pipe(fds[n]) == 0)
		n++;
	int e = errno;
	for (int i = 0; i < n; i++)
		close(fds[i][0]), close(fds[i][1]);
	KCHECK(n < 64 && e == EMFILE, "%d pipes, then errno %d", n, e);
	KCHECK(free_pages() == pages, "%ld pages lost after EMFILE", (long)(pages - free_pages()));
	return 0;
}

static int c_pipe_partial(char *why)
{
	int p[2];
	KCHECK(pipe(p) == 0, "pipe: %s", strerror(errno));
	struct sigaction sa = {.sa_handler = SIG_IGN};
	sigaction(SIGPIPE, &sa, NULL);
	pid_t pid = fork();
	if (pid == 0) { /* reads 5000 bytes, then closes: the writer's 12288 end early */
		close(p[1]);
		static char b[5000];
		read_all(p[0], b, sizeof b);
		_exit(0);
	}
	close(p[0]);
	static char b[12288];
	ssize_t r = write(p[1], b, sizeof b);
	int e = errno;
	waitpid(pid, NULL, 0);
	KCHECK(r >= 5000 && r < (ssize_t)sizeof b, "write returned %zd (errno %d): want the part taken", r, e);
	errno = 0;
	KCHECK(write(p[1], b, 1) == -1 && errno == EPIPE, "after the reader left: errno %d", errno);
	close(p[1]);
	return 0;
}

static const struct kcase cases[] = {
    {"initrd_write", c_initrd_write},
    {"initrd_trunc", c_initrd_trunc},
    {"sparse", c_sparse},
    {"big", c_big},
    {"unlinked_open", c_unlinked_open},
    {"shared_offset", c_shared_offset},
    {"readdir_remove", c_readdir_remove},
    {"names", c_names},
    {"cwd_removed", c_cwd_removed},
    {"exec_written", c_exec_written},
    {"pipe_atomic", c_pipe_atomic},
    {"pipe_leak", c_pipe_leak},
    {"pipe_partial", c_pipe_partial},
    {"inodes", c_inodes},
    {"enospc", c_enospc},
};

int ktest_fs(int argc, char **argv)
{
	return ktest_run(cases, sizeof cases / sizeof cases[0], argc, argv);
}
