/*
 * ls [-l] [-a] [PATH...]: list directories (or name files), sorted.
 *
 * Names come from getdents (opendir/readdir), the type and size from
 * stat.  -l shows, per entry, the type (d directory, - file, c console,
 * p pipe), permission bits, link count, size in bytes and the name; -a
 * shows names starting with a dot too.  At a terminal plain ls prints
 * names in columns, elsewhere one per line.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int opt_long, opt_all;

struct entry {
	char *name; /* as printed */
	char *path; /* for stat */
};

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

static char type_char(unsigned mode)
{
	return S_ISDIR(mode) ? 'd' : S_ISCHR(mode) ? 'c' : S_ISFIFO(mode) ? 'p' : '-';
}

static void long_line(const struct entry *e)
{
	struct stat st;
	if (stat(e->path, &st) < 0) {
		printf("?????????? %3s %8s %s\n", "?", "?", e->name);
		return;
	}
	char perm[10];
	const char *rwx = "rwxrwxrwx";
	for (int i = 0; i < 9; i++)
		perm[i] = st.st_mode & (0400u >> i) ? rwx[i] : '-';
	perm[9] = '\0';
	printf("%c%s %3u %8ld %s%s\n", type_char(st.st_mode), perm, (unsigned)st.st_nlink,
	       (long)st.st_size, e->name, S_ISDIR(st.st_mode) ? "/" : "");
}

/* Names in columns, down then across, within 80 characters. */
static void columns(struct entry *v, size_t n)
{
	size_t w = 1;
	for (size_t i = 0; i < n; i++)
		if (strlen(v[i].name) + 2 > w)
			w = strlen(v[i].name) + 2;
	size_t cols = 80 / w ? 80 / w : 1, rows = (n + cols - 1) / cols;
	for (size_t r = 0; r < rows; r++) {
		for (size_t c = 0; c < cols; c++) {
			size_t i = c * rows + r;
			if (i >= n)
				break;
			int last = c == cols - 1 || i + rows >= n;
			printf("%-*s", last ? 0 : (int)w, v[i].name);
		}
		putchar('\n');
	}
}

static void show(struct entry *v, size_t n)
{
	qsort(v, n, sizeof *v, by_name);
	if (opt_long) {
		for (size_t i = 0; i < n; i++)
			long_line(&v[i]);
	} else if (isatty(1)) {
		columns(v, n);
	} else {
		for (size_t i = 0; i < n; i++)
			printf("%s\n", v[i].name);
	}
}

static char *join(const char *dir, const char *name)
{
	size_t a = strlen(dir), b = strlen(name);
	char *p = malloc(a + b + 2);
	if (p == NULL) {
		fprintf(stderr, "ls: out of memory\n");
		exit(2);
	}
	memcpy(p, dir, a);
	p[a] = '/';
	memcpy(p + a + (a && dir[a - 1] != '/'), name, b + 1);
	return p;
}

static int list_dir(const char *path)
{
	DIR *d = opendir(path);
	if (d == NULL) {
		fprintf(stderr, "ls: %s: %s\n", path, strerror(errno));
		return 1;
	}
	size_t n = 0, cap = 16;
	struct entry *v = malloc(cap * sizeof *v);
	struct dirent *de;
	while (v && (de = readdir(d))) {
		if (de->d_name[0] == '.' && !opt_all)
			continue;
		if (n == cap) {
			cap *= 2;
			struct entry *bigger = realloc(v, cap * sizeof *v);
			if (bigger == NULL)
				break;
			v = bigger;
		}
		v[n].name = strdup(de->d_name);
		v[n].path = join(path, de->d_name);
		n++;
	}
	closedir(d);
	if (v == NULL) {
		fprintf(stderr, "ls: out of memory\n");
		return 1;
	}
	show(v, n);
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].path);
	}
	free(v);
	return 0;
}

int main(int argc, char *argv[])
{
	int c;
	while ((c = getopt(argc, argv, "la")) != -1) {
		if (c == 'l') {
			opt_long = 1;
		} else if (c == 'a') {
			opt_all = 1;
		} else {
			fprintf(stderr, "usage: ls [-l] [-a] [PATH...]\n");
			return 2;
		}
	}
	char *dot[] = {".", NULL};
	char **paths = optind < argc ? argv + optind : dot;
	int npaths = optind < argc ? argc - optind : 1, status = 0;

	/* Files first, as named; then each directory's contents. */
	struct entry *files = malloc((size_t)npaths * sizeof *files);
	size_t nfiles = 0, ndirs = 0;
	for (int i = 0; i < npaths; i++) {
		struct stat st;
		if (stat(paths[i], &st) < 0) {
			fprintf(stderr, "ls: %s: %s\n", paths[i], strerror(errno));
			status = 1;
		} else if (S_ISDIR(st.st_mode)) {
			ndirs++;
		} else if (files) {
			files[nfiles].name = files[nfiles].path = paths[i];
			nfiles++;
		}
	}
	if (nfiles)
		show(files, nfiles);
	free(files);
	size_t shown = 0;
	for (int i = 0; i < npaths; i++) {
		struct stat st;
		if (stat(paths[i], &st) < 0 || !S_ISDIR(st.st_mode))
			continue;
		if (npaths > 1)
			printf("%s%s:\n", nfiles || shown ? "\n" : "", paths[i]);
		status |= list_dir(paths[i]);
		shown++;
	}
	(void)ndirs;
	return status;
}
