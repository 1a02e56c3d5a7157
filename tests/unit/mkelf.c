/*
 * mkelf DIR: writes the crafted guest ELFs of elfcraft.c to DIR, one file
 * per case, named after it ("valid-pvh-elf64.elf", ...), for the vmm's
 * command-line tests.  Prints "file<TAB>expected message" per file.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "elfcraft.h"

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: mkelf DIR\n");
		return 64;
	}
	for (size_t i = 0; i < craft_ncases; i++) {
		const struct craft_case *k = &craft_cases[i];
		struct craft c;
		char name[128], path[4096];
		size_t n = 0;
		FILE *f;

		for (const char *p = k->name; *p && n < sizeof(name) - 5; p++) {
			if (isalnum((unsigned char)*p))
				name[n++] = (char)tolower((unsigned char)*p);
			else if (n > 0 && name[n - 1] != '-')
				name[n++] = '-';
		}
		while (n > 0 && name[n - 1] == '-')
			n--;
		memcpy(name + n, ".elf", 5);
		snprintf(path, sizeof(path), "%s/%s", argv[1], name);
		craft_valid(&c);
		k->mutate(&c);
		f = fopen(path, "wb");
		if (!f || fwrite(c.buf, 1, c.size, f) != c.size || fclose(f) != 0) {
			perror(path);
			return 1;
		}
		printf("%s\t%s\n", name, k->error ? k->error : "");
	}
	return 0;
}
