/*
 * t_fs.c: pipes, descriptors, files and directories (issue 4).  Each test skips with
 * ENOSYS until the kernel has the calls it needs.
 */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "ut.h"

#define NEED_PIPE()                                                                                \
	do {                                                                                       \
		int fds_[2];                                                                       \
		long r_ = lde_syscall(SYS_pipe, fds_);                                             \
		NEED(r_, "pipe");                                                                  \
		CHECK(r_ == 0, "pipe: %ld", r_);                                                   \
		close(fds_[0]);                                                                    \
		close(fds_[1]);                                                                    \
	} while (0)

#define TMP "/tmp-usertests"

/* open exists (the probe's descriptor is closed again). */
#define NEED_FILES()                                                                               \
	do {                                                                                       \
		long fd_ = lde_syscall(SYS_open, "/", O_RDONLY, 0);                                \
		NEED(fd_, "open");                                                                 \
		if (fd_ >= 0)                                                                      \
			close((int)fd_);                                                           \
	} while (0)

/* Files can be created: until issue 4's RAM file system the kernel
 * serves the initrd read-only, and creating gives EROFS. */
#define NEED_WRITABLE()                                                                            \
	do {                                                                                       \
		NEED_FILES();                                                                      \
		int fd_ = open(TMP "-probe", O_CREAT | O_WRONLY, 0644);                            \
		if (fd_ < 0 && errno == EROFS)                                                     \
			return ut_skip("the file system is read-only (EROFS)");                    \
		if (fd_ >= 0) {                                                                    \
			close(fd_);                                                                \
			unlink(TMP "-probe");                                                      \
		}                                                                                  \
	} while (0)

/* Read exactly n bytes unless EOF comes first; returns the count. */
static ssize_t read_full(int fd, void *buf, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = read(fd, (char *)buf + got, n - got);
		if (r <= 0)
			return r < 0 && got == 0 ? -1 : (ssize_t)got;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

int t_pipe_basic(void)
{
	NEED_PIPE();
	int fds[2];
	CHECK(pipe(fds) == 0, "pipe: %s", strerror(errno));
	CHECK(fds[0] >= 3 && fds[1] >= 3 && fds[0] != fds[1], "pipe fds %d %d", fds[0], fds[1]);
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		_exit(write(fds[1], "hello, pipe", 11) == 11 ? 0 : 1);
	}
	close(fds[1]);
	char buf[32] = {0};
	CHECK(read_full(fds[0], buf, 11) == 11, "short read");
	CHECK(memcmp(buf, "hello, pipe", 11) == 0, "read \"%s\"", buf);
	CHECK(read(fds[0], buf, 1) == 0, "no EOF after the writer exited");
	int st;
	CHECK(waitpid(pid, &st, 0) == pid && st == 0, "writer: %s", ut_status(st));
	close(fds[0]);
	return ut_pass();
}

int t_pipe_eof(void)
{
	NEED_PIPE();
	int fds[2];
	CHECK(pipe(fds) == 0, "pipe: %s", strerror(errno));
	pid_t pid = fork();
	if (pid == 0) { /* a second writer, which closes after a while */
		close(fds[0]);
		msleep(100);
		_exit(0);
	}
	close(fds[1]);
	char c;
	uint64_t t0 = ut_now();
	ssize_t r = read(fds[0], &c, 1); /* blocks until the child's copy closes */
	CHECK(r == 0, "read returned %zd, want 0 (EOF)", r);
	CHECK(ut_now() - t0 >= 50, "EOF came while a writer was still open");
	waitpid(pid, NULL, 0);
	close(fds[0]);
	return ut_pass();
}

static int write_to_closed(void *arg)
{
	int *fds = arg;
	ssize_t r = write(fds[1], "x", 1);
	return r == -1 && errno == EPIPE ? 7 : 8;
}

int t_pipe_epipe(void)
{
	NEED_PIPE();
	NEED(lde_syscall(SYS_sigaction, SIGUSR2, NULL, NULL), "sigaction");
	int fds[2];
	CHECK(pipe(fds) == 0, "pipe: %s", strerror(errno));
	close(fds[0]); /* no reader left anywhere */
	int st = ut_child(write_to_closed, fds);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE, "write with no reader: %s, want SIGPIPE",
	      ut_status(st));
	signal(SIGPIPE, SIG_IGN);
	st = ut_child(write_to_closed, fds);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7, "with SIGPIPE ignored: %s, want EPIPE",
	      ut_status(st));
	return ut_pass();
}

int t_pipe_big(void)
{
	NEED_PIPE();
	enum { SIZE = 1 << 20 };
	int fds[2];
	CHECK(pipe(fds) == 0, "pipe: %s", strerror(errno));
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		static unsigned char buf[4000];
		size_t sent = 0;
		while (sent < SIZE) {
			size_t n = SIZE - sent < sizeof buf ? SIZE - sent : sizeof buf;
			for (size_t i = 0; i < n; i++)
				buf[i] = (unsigned char)((sent + i) * 7);
			for (size_t off = 0; off < n;) {
				ssize_t w = write(fds[1], buf + off, n - off);
				if (w <= 0)
					_exit(1);
				off += (size_t)w;
			}
			sent += n;
		}
		_exit(0);
	}
	close(fds[1]);
	static unsigned char buf[3001];
	size_t got = 0;
	ssize_t r;
	while ((r = read(fds[0], buf, sizeof buf)) > 0) {
		for (ssize_t i = 0; i < r; i++)
			CHECK(buf[i] == (unsigned char)((got + (size_t)i) * 7), "byte %zu wrong",
			      got + (size_t)i);
		got += (size_t)r;
	}
	CHECK(got == SIZE, "received %zu bytes of %d", got, SIZE);
	int st;
	CHECK(waitpid(pid, &st, 0) == pid && st == 0, "writer: %s", ut_status(st));
	close(fds[0]);
	return ut_pass();
}

/*
 * 100 processes in a chain: each stage reads a number, adds one, writes
 * it on; the last stage's result comes back to us.
 */
static int stage(int in, int left, int out_fd)
{
	char buf[32] = {0};
	if (read_full(in, buf, sizeof buf) != sizeof buf)
		return 1;
	snprintf(buf, sizeof buf, "%ld", atol(buf) + 1);
	if (left == 0)
		return write(out_fd, buf, sizeof buf) == sizeof buf ? 0 : 2;
	int fds[2];
	if (pipe(fds) < 0)
		return 3;
	pid_t pid = fork();
	if (pid < 0) { /* 100 stages alive at once need a process table that big */
		printf("pipeline100: stage %d: fork: %s\n", 100 - left, strerror(errno));
		return 4;
	}
	if (pid == 0) { /* our input is not the child's: without this close, stage k
			   would hold k descriptors and a 32-slot table ends the chain */
		close(in);
		close(fds[1]);
		_exit(stage(fds[0], left - 1, out_fd));
	}
	close(fds[0]);
	int r = write(fds[1], buf, sizeof buf) == sizeof buf ? 0 : 5;
	close(fds[1]);
	int st;
	waitpid(pid, &st, 0);
	return r ? r : WIFEXITED(st) ? WEXITSTATUS(st) : 6;
}

int t_pipeline100(void)
{
	NEED_PIPE();
	int in[2], out[2];
	CHECK(pipe(in) == 0 && pipe(out) == 0, "pipe: %s", strerror(errno));
	pid_t pid = fork();
	if (pid == 0) {
		close(in[1]);
		close(out[0]);
		_exit(stage(in[0], 99, out[1]));
	}
	close(in[0]);
	close(out[1]);
	char buf[32] = "1000";
	CHECK(write(in[1], buf, sizeof buf) == sizeof buf, "write: %s", strerror(errno));
	close(in[1]);
	memset(buf, 0, sizeof buf);
	CHECK(read_full(out[0], buf, sizeof buf) == sizeof buf, "no result from the pipeline");
	int st;
	CHECK(waitpid(pid, &st, 0) == pid && st == 0, "pipeline: %s", ut_status(st));
	CHECK(atol(buf) == 1100, "result %s, want 1100", buf);
	close(out[0]);
	return ut_pass();
}

int t_fd_inherit(void)
{
	NEED_PIPE();
	int fds[2];
	CHECK(pipe(fds) == 0, "pipe: %s", strerror(errno));
	pid_t pid = fork();
	if (pid == 0) {
		/* The exec'ed echo writes to its stdout, which is our pipe. */
		close(fds[0]);
		dup2(fds[1], 1);
		close(fds[1]);
		execl("/bin/echo", "echo", "inherited", (char *)NULL);
		_exit(98);
	}
	close(fds[1]);
	char buf[32] = {0};
	ssize_t n = read_full(fds[0], buf, sizeof buf - 1);
	int st;
	CHECK(waitpid(pid, &st, 0) == pid && st == 0, "echo: %s", ut_status(st));
	CHECK(n == 10 && strcmp(buf, "inherited\n") == 0, "read \"%s\" (%zd bytes)", buf, n);
	close(fds[0]);
	return ut_pass();
}

int t_dup_fds(void)
{
	NEED_PIPE();
	int fds[2];
	CHECK(pipe(fds) == 0, "pipe: %s", strerror(errno));
	int d = dup(fds[1]);
	CHECK(d > fds[1], "dup returned %d", d);
	CHECK(write(d, "ab", 2) == 2, "write to dup: %s", strerror(errno));
	CHECK(dup2(fds[1], 15) == 15, "dup2 to 15: %s", strerror(errno));
	CHECK(write(15, "cd", 2) == 2, "write to 15: %s", strerror(errno));
	CHECK(dup2(15, 15) == 15, "dup2(15, 15): %s", strerror(errno));
	errno = 0;
	CHECK(dup2(fds[1], 1000) == -1 && errno == EBADF, "dup2 to 1000: errno %d", errno);
	char buf[4];
	CHECK(read_full(fds[0], buf, 4) == 4 && memcmp(buf, "abcd", 4) == 0, "data lost");
	close(d);
	int lowest = dup(fds[0]); /* the lowest free descriptor is d again */
	CHECK(lowest == d, "dup returned %d, want the lowest free %d", lowest, d);
	close(lowest);
	close(15);
	close(fds[0]);
	close(fds[1]);
	return ut_pass();
}

static int print_closed(void *arg)
{
	(void)arg;
	close(1);
	errno = 0;
	int r = printf("this goes nowhere\n"); /* line buffered: written at once */
	return r < 0 && errno == EBADF && ferror(stdout) ? 0 : 1;
}

int t_close_stdout(void)
{
	NEED(lde_syscall(SYS_close, 99) == -ENOSYS ? -ENOSYS : 0, "close");
	int st = ut_child(print_closed, NULL);
	CHECK(st == 0, "printf after close(1): %s", ut_status(st));
	return ut_pass();
}

int t_file_rw(void)
{
	NEED_WRITABLE();
	unlink(TMP);
	int fd = open(TMP, O_CREAT | O_RDWR | O_EXCL, 0644);
	CHECK(fd >= 0, "create: %s", strerror(errno));
	static char data[10000];
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (char)(i * 13);
	CHECK(write(fd, data, sizeof data) == sizeof data, "write: %s", strerror(errno));
	CHECK(close(fd) == 0, "close: %s", strerror(errno));
	fd = open(TMP, O_RDONLY);
	CHECK(fd >= 0, "reopen: %s", strerror(errno));
	static char back[10001];
	CHECK(read_full(fd, back, sizeof back) == sizeof data, "read back a different size");
	CHECK(memcmp(data, back, sizeof data) == 0, "read back different bytes");
	close(fd);
	CHECK(unlink(TMP) == 0, "unlink: %s", strerror(errno));
	errno = 0;
	CHECK(open(TMP, O_RDONLY) == -1 && errno == ENOENT, "unlinked file still opens");
	/* stdio over the same file */
	FILE *f = fopen(TMP, "w");
	CHECK(f, "fopen w: %s", strerror(errno));
	fprintf(f, "line %d\nline %d\n", 1, 2);
	CHECK(fclose(f) == 0, "fclose: %s", strerror(errno));
	f = fopen(TMP, "r");
	CHECK(f, "fopen r: %s", strerror(errno));
	char *line = NULL;
	size_t cap = 0;
	CHECK(getline(&line, &cap, f) == 7 && strcmp(line, "line 1\n") == 0, "getline 1");
	CHECK(getline(&line, &cap, f) == 7 && strcmp(line, "line 2\n") == 0, "getline 2");
	CHECK(getline(&line, &cap, f) == -1 && feof(f), "no EOF");
	fclose(f);
	free(line);
	unlink(TMP);
	return ut_pass();
}

int t_file_append(void)
{
	NEED_WRITABLE();
	int fd = open(TMP, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	CHECK(fd >= 0, "create: %s", strerror(errno));
	write(fd, "12345", 5);
	close(fd);
	fd = open(TMP, O_WRONLY | O_APPEND);
	lseek(fd, 0, SEEK_SET);
	write(fd, "67", 2); /* O_APPEND: at the end whatever the offset */
	close(fd);
	struct stat st;
	CHECK(stat(TMP, &st) == 0 && st.st_size == 7, "size %ld after append, want 7",
	      (long)st.st_size);
	fd = open(TMP, O_WRONLY | O_TRUNC);
	close(fd);
	CHECK(stat(TMP, &st) == 0 && st.st_size == 0, "size %ld after O_TRUNC", (long)st.st_size);
	unlink(TMP);
	return ut_pass();
}

int t_file_seek(void)
{
	NEED_WRITABLE();
	int fd = open(TMP, O_CREAT | O_RDWR | O_TRUNC, 0644);
	CHECK(fd >= 0, "create: %s", strerror(errno));
	write(fd, "abcdefghij", 10);
	CHECK(lseek(fd, 2, SEEK_SET) == 2, "SEEK_SET");
	char c;
	CHECK(read(fd, &c, 1) == 1 && c == 'c', "read after SEEK_SET: %c", c);
	CHECK(lseek(fd, 2, SEEK_CUR) == 5, "SEEK_CUR");
	CHECK(read(fd, &c, 1) == 1 && c == 'f', "read after SEEK_CUR: %c", c);
	CHECK(lseek(fd, -1, SEEK_END) == 9, "SEEK_END");
	CHECK(read(fd, &c, 1) == 1 && c == 'j', "read after SEEK_END: %c", c);
	CHECK(read(fd, &c, 1) == 0, "no EOF at the end");
	errno = 0;
	CHECK(lseek(fd, -100, SEEK_SET) == -1 && errno == EINVAL, "negative offset: errno %d",
	      errno);
	close(fd);
	unlink(TMP);
	int p[2];
	if (pipe(p) == 0) {
		errno = 0;
		CHECK(lseek(p[0], 0, SEEK_CUR) == -1 && errno == ESPIPE, "lseek on a pipe: errno %d",
		      errno);
		close(p[0]);
		close(p[1]);
	}
	return ut_pass();
}

int t_file_stat(void)
{
	NEED_FILES();
	struct stat st;
	CHECK(stat("/", &st) == 0 && S_ISDIR(st.st_mode), "stat /: %s", strerror(errno));
	CHECK(stat("/bin/usertests", &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 4096,
	      "stat /bin/usertests: %s", strerror(errno));
	int fd = open("/p1.c", O_RDONLY);
	CHECK(fd >= 0, "open /p1.c: %s", strerror(errno));
	struct stat fst;
	CHECK(fstat(fd, &fst) == 0 && S_ISREG(fst.st_mode), "fstat: %s", strerror(errno));
	CHECK(stat("/p1.c", &st) == 0 && st.st_ino == fst.st_ino && st.st_size == fst.st_size,
	      "stat and fstat disagree");
	close(fd);
	CHECK(fstat(0, &st) == 0 && S_ISCHR(st.st_mode), "fstat(0) is not a character device");
	return ut_pass();
}

int t_open_close1000(void)
{
	NEED_FILES();
	struct lde_sysinfo a, b;
	int first = open("/p1.c", O_RDONLY);
	CHECK(first >= 0, "open: %s", strerror(errno));
	close(first);
	CHECK(lde_sysinfo(&a) == 0, "sysinfo: %s", strerror(errno));
	for (int i = 0; i < 1000; i++) {
		int fd = open("/p1.c", O_RDONLY);
		CHECK(fd == first, "open #%d gave %d, want %d (a descriptor leaked?)", i, fd, first);
		CHECK(close(fd) == 0, "close: %s", strerror(errno));
	}
	CHECK(lde_sysinfo(&b) == 0, "sysinfo: %s", strerror(errno));
	CHECK(a.pages_free == b.pages_free, "%ld pages lost", (long)(a.pages_free - b.pages_free));
	/* The table has a limit, and hitting it is EMFILE. */
	int fds[64], n = 0;
	while (n < 64 && (fds[n] = open("/p1.c", O_RDONLY)) >= 0)
		n++;
	int err = errno;
	for (int i = 0; i < n; i++)
		close(fds[i]);
	CHECK(n >= 13 && n < 64 && err == EMFILE, "opened %d files, then errno %d", n, err);
	return ut_pass();
}

int t_dir_ops(void)
{
	NEED_WRITABLE();
	rmdir(TMP);
	CHECK(mkdir(TMP, 0755) == 0, "mkdir: %s", strerror(errno));
	int fd = open(TMP "/f", O_CREAT | O_WRONLY, 0644);
	CHECK(fd >= 0, "create in the new directory: %s", strerror(errno));
	close(fd);
	DIR *d = opendir(TMP);
	CHECK(d, "opendir: %s", strerror(errno));
	int found = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, "f") == 0 && e->d_type == DT_REG)
			found++;
	closedir(d);
	CHECK(found == 1, "the new file listed %d times", found);
	errno = 0;
	CHECK(rmdir(TMP) == -1 && errno == ENOTEMPTY, "rmdir of a non-empty directory: errno %d",
	      errno);
	CHECK(unlink(TMP "/f") == 0, "unlink: %s", strerror(errno));
	CHECK(rmdir(TMP) == 0, "rmdir: %s", strerror(errno));
	d = opendir("/bin");
	CHECK(d, "opendir /bin: %s", strerror(errno));
	int progs = 0;
	while ((e = readdir(d)))
		progs += strcmp(e->d_name, "usertests") == 0 || strcmp(e->d_name, "p1") == 0;
	closedir(d);
	CHECK(progs == 2, "/bin lacks usertests or p1");
	return ut_pass();
}

int t_initrd_files(void)
{
	NEED_FILES();
	static const char *const files[] = {"/init", "/bin/p1", "/bin/p2", "/bin/p3", "/bin/wc",
					    "/bin/usertests", "/p1.c", "/p2.c", "/p3.c"};
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		struct stat st;
		CHECK(stat(files[i], &st) == 0, "%s: %s", files[i], strerror(errno));
		CHECK(S_ISREG(st.st_mode) && st.st_size > 0, "%s: mode %o size %ld", files[i],
		      st.st_mode, (long)st.st_size);
	}
	FILE *f = fopen("/p1.c", "r");
	CHECK(f, "fopen /p1.c: %s", strerror(errno));
	char line[128];
	int hello = 0;
	while (fgets(line, sizeof line, f))
		hello |= strstr(line, "hello, world") != NULL;
	fclose(f);
	CHECK(hello, "/p1.c does not look like p1's source");
	return ut_pass();
}

int t_file_errors(void)
{
	NEED_FILES();
	errno = 0;
	CHECK(open("/no-such-file", O_RDONLY) == -1 && errno == ENOENT, "open missing: %d", errno);
	errno = 0;
	CHECK(open("/no-such-dir/x", O_CREAT | O_WRONLY, 0644) == -1 && errno == ENOENT,
	      "create in a missing directory: %d", errno);
	errno = 0;
	CHECK(open("/p1.c", O_CREAT | O_EXCL | O_WRONLY, 0644) == -1 && errno == EEXIST,
	      "O_EXCL on an existing file: %d", errno);
	errno = 0;
	CHECK(open("/bin", O_WRONLY) == -1 && errno == EISDIR, "open a directory for writing: %d",
	      errno);
	errno = 0;
	CHECK(open("/p1.c/x", O_RDONLY) == -1 && errno == ENOTDIR, "a file as a directory: %d",
	      errno);
	errno = 0;
	CHECK(mkdir("/bin", 0755) == -1 && errno == EEXIST, "mkdir existing: %d", errno);
	errno = 0;
	CHECK(unlink("/no-such-file") == -1 && errno == ENOENT, "unlink missing: %d", errno);
	errno = 0;
	CHECK(rmdir("/p1.c") == -1 && errno == ENOTDIR, "rmdir a file: %d", errno);
	char name[LDE_NAME_MAX + 10];
	memset(name, 'n', sizeof name - 1);
	name[0] = '/';
	name[sizeof name - 1] = '\0';
	errno = 0;
	CHECK(open(name, O_CREAT | O_WRONLY, 0644) == -1 && errno == ENAMETOOLONG,
	      "a %zu-byte name: errno %d", sizeof name - 2, errno);
	return ut_pass();
}

int t_cwd(void)
{
	NEED_FILES();
	NEED(lde_syscall(SYS_getcwd, NULL, 0) == -ENOSYS ? -ENOSYS : 0, "getcwd");
	char buf[LDE_PATH_MAX];
	CHECK(getcwd(buf, sizeof buf) && strcmp(buf, "/") == 0, "initial cwd \"%s\"", buf);
	CHECK(chdir("/bin") == 0, "chdir /bin: %s", strerror(errno));
	CHECK(getcwd(buf, sizeof buf) && strcmp(buf, "/bin") == 0, "cwd \"%s\"", buf);
	struct stat st;
	CHECK(stat("usertests", &st) == 0, "relative stat in /bin: %s", strerror(errno));
	CHECK(chdir("..") == 0 && getcwd(buf, sizeof buf) && strcmp(buf, "/") == 0,
	      "chdir ..: \"%s\"", buf);
	errno = 0;
	CHECK(chdir("/p1.c") == -1 && errno == ENOTDIR, "chdir to a file: errno %d", errno);
	errno = 0;
	CHECK(getcwd(buf, 1) == NULL && errno == ERANGE, "getcwd into 1 byte: errno %d", errno);
	return ut_pass();
}

/*
 * getdents's contract, as lde's libc reads it (dirent.c): the result is
 * the number of bytes filled with whole 64-byte records, 0 at the end; a
 * buffer too small for one record is EINVAL; a short buffer just takes
 * more calls, and the calls together list each name once.
 */
int t_dir_records(void)
{
	NEED_FILES();
	NEED(lde_syscall(SYS_getdents, -1, NULL, 0), "getdents");
	int fd = open("/bin", O_RDONLY | O_DIRECTORY);
	CHECK(fd >= 0, "open /bin: %s", strerror(errno));
	struct lde_dirent small[1], big[8];
	errno = 0;
	long r = lde_syscall(SYS_getdents, fd, big, sizeof big[0] - 1);
	CHECK(r == -EINVAL, "a 63-byte buffer: %ld, want -EINVAL", r);
	/* One record at a time, then in batches from the start again. */
	int one = 0, sh = 0;
	while ((r = lde_syscall(SYS_getdents, fd, small, sizeof small)) > 0) {
		CHECK(r == sizeof small[0], "one-record buffer: %ld bytes", r);
		CHECK(memchr(small[0].name, '\0', sizeof small[0].name), "name not terminated");
		one++;
		sh += strcmp(small[0].name, "sh") == 0;
	}
	CHECK(r == 0, "end of directory: %ld, want 0", r);
	CHECK(sh == 1, "/bin/sh listed %d times", sh);
	close(fd);
	fd = open("/bin", O_RDONLY | O_DIRECTORY);
	int batched = 0;
	while ((r = lde_syscall(SYS_getdents, fd, big, sizeof big + 10)) > 0) {
		CHECK(r % (long)sizeof big[0] == 0 && r <= (long)sizeof big,
		      "%ld bytes: not whole records within the buffer", r);
		batched += (int)(r / (long)sizeof big[0]);
	}
	close(fd);
	CHECK(batched == one, "%d names in batches, %d one at a time", batched, one);
	errno = 0;
	fd = open("/p1.c", O_RDONLY);
	r = lde_syscall(SYS_getdents, fd, big, sizeof big);
	close(fd);
	CHECK(r == -ENOTDIR, "getdents on a file: %ld, want -ENOTDIR", r);
	return ut_pass();
}
