/*
 * expand.c: a raw word -> the string a program receives.
 *
 * Outside quotes a backslash keeps the next character; '...' keeps
 * everything up to the next '; inside "..." a backslash escapes only $ `
 * " \ and $-expansions still happen.  Expansions: $? (the last status),
 * $$ (the shell's pid), $! (the last background pid), $# and $0..$9 (the
 * arguments of sh -c or a script), $@ and $* (all of them, joined by
 * spaces), $NAME and ${NAME} (the environment; unset is empty).  The
 * result is never split into fields: `$X` is one argument whatever X
 * holds.  A word made only of unquoted expansions that are all empty
 * vanishes, as in POSIX shells (so `$UNSET` passes no argument).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "sh.h"

static bool name_start(char c)
{
	return isalpha((unsigned char)c) || c == '_';
}

static bool name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

bool sh_is_assignment(const char *raw)
{
	if (!name_start(raw[0]))
		return false;
	size_t i = 1;
	while (name_char(raw[i]))
		i++;
	return raw[i] == '=';
}

static void add_number(struct sbuf *b, long n)
{
	char num[24];
	snprintf(num, sizeof num, "%ld", n);
	sb_adds(b, num);
}

/* Expand the $ at s[*i]; advance *i past what it consumed. */
static void dollar(const char *s, size_t *i, struct sbuf *out)
{
	size_t k = *i + 1;
	char c = s[k];
	char name[128];
	size_t n = 0;
	if (c == '{') {
		k++;
		while (s[k] && s[k] != '}' && n < sizeof name - 1)
			name[n++] = s[k++];
		if (s[k] == '}')
			k++;
	} else if (c == '?' || c == '$' || c == '!' || c == '#' || c == '@' || c == '*' ||
	           isdigit((unsigned char)c)) {
		name[n++] = c;
		k++;
	} else if (name_start(c)) {
		while (name_char(s[k]) && n < sizeof name - 1)
			name[n++] = s[k++];
	} else {
		sb_addc(out, '$'); /* a lone $ is itself */
		*i = k;
		return;
	}
	name[n] = '\0';
	*i = k;
	if (strcmp(name, "?") == 0) {
		add_number(out, sh.status);
	} else if (strcmp(name, "$") == 0) {
		add_number(out, getpid());
	} else if (strcmp(name, "!") == 0) {
		if (sh.last_bg > 0)
			add_number(out, sh.last_bg);
	} else if (strcmp(name, "#") == 0) {
		add_number(out, sh.nargs);
	} else if (strcmp(name, "@") == 0 || strcmp(name, "*") == 0) {
		for (int a = 0; a < sh.nargs; a++) {
			if (a)
				sb_addc(out, ' ');
			sb_adds(out, sh.args[a]);
		}
	} else if (isdigit((unsigned char)name[0])) {
		int a = atoi(name);
		if (a == 0)
			sb_adds(out, sh.arg0);
		else if (a <= sh.nargs)
			sb_adds(out, sh.args[a - 1]);
	} else {
		const char *v = getenv(name);
		if (v)
			sb_adds(out, v);
	}
}

char *sh_expand(const char *s)
{
	struct sbuf out = {0};
	bool literal = false; /* anything but unquoted expansions: the word stays */
	for (size_t i = 0; s[i];) {
		char c = s[i];
		if (c == '\\' && s[i + 1]) {
			sb_addc(&out, s[i + 1]);
			i += 2;
			literal = true;
		} else if (c == '\'') {
			literal = true;
			for (i++; s[i] && s[i] != '\''; i++)
				sb_addc(&out, s[i]);
			if (s[i])
				i++;
		} else if (c == '"') {
			literal = true;
			for (i++; s[i] && s[i] != '"';) {
				if (s[i] == '\\' && s[i + 1] && strchr("$`\"\\", s[i + 1])) {
					sb_addc(&out, s[i + 1]);
					i += 2;
				} else if (s[i] == '$') {
					dollar(s, &i, &out);
				} else {
					sb_addc(&out, s[i++]);
				}
			}
			if (s[i])
				i++;
		} else if (c == '$') {
			size_t before = out.len;
			dollar(s, &i, &out);
			if (out.len > before && out.s[before] == '$' && out.len == before + 1)
				literal = true; /* a lone $ */
		} else {
			sb_addc(&out, c);
			i++;
			literal = true;
		}
	}
	if (out.len == 0 && !literal)
		return NULL;
	return (char *)sb_str(&out);
}
