/*
 * rm [-f] [-r] PATH...: remove files (unlink); with -r directories and
 * everything in them (depth first, then rmdir); -f: no complaint about
 * missing files, and no failure status for them.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int opt_force, opt_recursive;

static int rm(const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		if (opt_force && errno == ENOENT)
			return 0;
		fprintf(stderr, "rm: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (!S_ISDIR(st.st_mode)) {
		if (unlink(path) == 0)
			return 0;
		fprintf(stderr, "rm: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (!opt_recursive) {
		fprintf(stderr, "rm: %s: is a directory (rm -r removes it)\n", path);
		return 1;
	}
	/* Remove the entries, reading the directory afresh after each batch
	 * (removing while reading need not list every entry once). */
	int status = 0;
	for (;;) {
		DIR *d = opendir(path);
		if (d == NULL) {
			fprintf(stderr, "rm: %s: %s\n", path, strerror(errno));
			return 1;
		}
		int removed = 0, failed = 0;
		struct dirent *e;
		while ((e = readdir(d))) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			size_t n = strlen(path) + strlen(e->d_name) + 2;
			char *sub = malloc(n);
			if (sub == NULL)
				break;
			snprintf(sub, n, "%s/%s", path, e->d_name);
			if (rm(sub) == 0)
				removed++;
			else
				failed++;
			free(sub);
		}
		closedir(d);
		if (failed)
			status = 1;
		if (removed == 0 || failed)
			break;
	}
	if (status == 0 && rmdir(path) < 0) {
		fprintf(stderr, "rm: %s: %s\n", path, strerror(errno));
		status = 1;
	}
	return status;
}

int main(int argc, char *argv[])
{
	int c;
	while ((c = getopt(argc, argv, "fr")) != -1) {
		if (c == 'f') {
			opt_force = 1;
		} else if (c == 'r') {
			opt_recursive = 1;
		} else {
			fprintf(stderr, "usage: rm [-f] [-r] PATH...\n");
			return 2;
		}
	}
	if (optind >= argc && !opt_force) {
		fprintf(stderr, "usage: rm [-f] [-r] PATH...\n");
		return 2;
	}
	int status = 0;
	for (int i = optind; i < argc; i++)
		status |= rm(argv[i]);
	return status;
}
