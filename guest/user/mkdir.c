/*
 * mkdir [-p] DIR...: make directories; -p makes missing parents too and
 * is quiet about directories that exist.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <lde/fs.h>

static int make(const char *path, int parents)
{
	if (parents) {
		char buf[LDE_PATH_MAX];
		if (strlen(path) >= sizeof buf) {
			fprintf(stderr, "mkdir: %s: %s\n", path, strerror(ENAMETOOLONG));
			return 1;
		}
		strcpy(buf, path);
		for (char *p = buf + 1; *p; p++) {
			if (*p != '/')
				continue;
			*p = '\0';
			struct stat st;
			if (stat(buf, &st) < 0 && mkdir(buf, 0755) < 0 && errno != EEXIST) {
				fprintf(stderr, "mkdir: %s: %s\n", buf, strerror(errno));
				return 1;
			}
			*p = '/';
		}
	}
	if (mkdir(path, 0755) == 0)
		return 0;
	struct stat st;
	if (parents && errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	fprintf(stderr, "mkdir: %s: %s\n", path, strerror(errno));
	return 1;
}

int main(int argc, char *argv[])
{
	int c, parents = 0;
	while ((c = getopt(argc, argv, "p")) != -1) {
		if (c != 'p') {
			fprintf(stderr, "usage: mkdir [-p] DIR...\n");
			return 2;
		}
		parents = 1;
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: mkdir [-p] DIR...\n");
		return 2;
	}
	int status = 0;
	for (int i = optind; i < argc; i++)
		status |= make(argv[i], parents);
	return status;
}
