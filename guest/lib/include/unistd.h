/* unistd.h: the POSIX process, descriptor and directory calls. */
#ifndef _UNISTD_H
#define _UNISTD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <lde/fs.h> /* SEEK_* */

#define STDIN_FILENO  0
#define STDOUT_FILENO 1
#define STDERR_FILENO 2

extern char **environ;

_Noreturn void _exit(int status);
pid_t fork(void);
int execve(const char *path, char *const argv[], char *const envp[]);
int execv(const char *path, char *const argv[]);
int execvp(const char *file, char *const argv[]);
int execvpe(const char *file, char *const argv[], char *const envp[]);
int execl(const char *path, const char *arg, ... /* (char *)NULL */);
int execle(const char *path, const char *arg, ... /* (char *)NULL, char *const envp[] */);
int execlp(const char *file, const char *arg, ... /* (char *)NULL */);
pid_t getpid(void);
pid_t getppid(void);
int setpgid(pid_t pid, pid_t pgid);
pid_t getpgid(pid_t pid);
pid_t getpgrp(void);

unsigned int sleep(unsigned int seconds);
int usleep(useconds_t usec);
int pause(void);
unsigned int alarm(unsigned int seconds);

ssize_t read(int fd, void *buf, size_t n);
ssize_t write(int fd, const void *buf, size_t n);
int close(int fd);
off_t lseek(int fd, off_t off, int whence);
int pipe(int fds[2]);
int dup(int fd);
int dup2(int fd, int newfd);
int unlink(const char *path);
int rmdir(const char *path);
int chdir(const char *path);
char *getcwd(char *buf, size_t size);

void *sbrk(intptr_t incr);
int brk(void *addr);

int isatty(int fd);
pid_t tcgetpgrp(int fd);
int tcsetpgrp(int fd, pid_t pgrp);

int getopt(int argc, char *const argv[], const char *optstring);
extern char *optarg;
extern int optind, opterr, optopt;

#endif
