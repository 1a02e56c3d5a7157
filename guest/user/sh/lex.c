/*
 * lex.c: source text -> tokens.
 *
 * A word is kept raw (quotes, backslashes and $ intact) so that expansion
 * can happen when the command runs ($? must be the previous command's);
 * the lexer only finds where words end: at an unquoted blank, newline or
 * operator character.  '...' runs to the next ', "..." to the next
 * unescaped ", and ${...} to its }.  A backslash-newline outside single
 * quotes joins lines.  # at the start of a word starts a comment.  A
 * word of digits right before < or > is the descriptor it redirects.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sh.h"

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static bool opchar(char c)
{
	return c == '|' || c == '&' || c == ';' || c == '<' || c == '>' || c == '\n';
}

struct lexer {
	const char *src;
	size_t pos;
	struct token *toks;
	int n, cap;
};

static struct token *push(struct lexer *lx, enum tok_kind kind, size_t start)
{
	if (lx->n == lx->cap) {
		int cap = lx->cap ? lx->cap * 2 : 32;
		struct token *t = sh_alloc((size_t)cap * sizeof *t);
		if (lx->n)
			memcpy(t, lx->toks, (size_t)lx->n * sizeof *t);
		lx->toks = t;
		lx->cap = cap;
	}
	struct token *t = &lx->toks[lx->n++];
	memset(t, 0, sizeof *t);
	t->kind = kind;
	t->fd = -1;
	t->start = start;
	t->end = lx->pos;
	return t;
}

/* Scan one word from lx->pos; copies it (minus backslash-newlines) into
 * the arena.  PARSE_MORE if the source ends inside it. */
static enum parse_status scan_word(struct lexer *lx, struct sbuf *w, char *err, size_t errsz)
{
	const char *s = lx->src;
	size_t i = lx->pos;
	while (s[i] && !blank(s[i]) && !opchar(s[i])) {
		char c = s[i];
		if (c == '\\') {
			if (s[i + 1] == '\0')
				return PARSE_MORE;
			if (s[i + 1] == '\n') { /* line continuation */
				i += 2;
				continue;
			}
			sb_addc(w, c);
			sb_addc(w, s[i + 1]);
			i += 2;
		} else if (c == '\'') {
			const char *close = strchr(s + i + 1, '\'');
			if (close == NULL)
				return PARSE_MORE;
			for (; s + i <= close; i++)
				sb_addc(w, s[i]);
		} else if (c == '"') {
			sb_addc(w, s[i++]);
			for (;;) {
				if (s[i] == '\0')
					return PARSE_MORE;
				if (s[i] == '"')
					break;
				if (s[i] == '\\' && s[i + 1] == '\0')
					return PARSE_MORE;
				if (s[i] == '\\' && s[i + 1] == '\n') {
					i += 2;
					continue;
				}
				if (s[i] == '\\')
					sb_addc(w, s[i++]);
				sb_addc(w, s[i++]);
			}
			sb_addc(w, s[i++]);
		} else if (c == '$' && s[i + 1] == '{') {
			const char *close = strchr(s + i + 2, '}');
			if (close == NULL) {
				snprintf(err, errsz, "missing } after ${");
				return PARSE_ERROR;
			}
			for (; s + i <= close; i++)
				sb_addc(w, s[i]);
		} else {
			sb_addc(w, s[i++]);
		}
	}
	lx->pos = i;
	return PARSE_OK;
}

static bool all_digits(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* An operator at lx->pos: the longest match. */
static void scan_op(struct lexer *lx, int fd)
{
	const char *s = lx->src + lx->pos;
	size_t start = lx->pos;
	static const struct {
		const char *text;
		enum tok_kind kind;
		enum rd_op op;
	} ops[] = {
	    /* longest first */
	    {"&&", T_AND, 0},
	    {"||", T_OR, 0},
	    {">>", T_REDIR, RD_APPEND},
	    {">&", T_REDIR, RD_DUPOUT},
	    {"<&", T_REDIR, RD_DUPIN},
	    {"|", T_PIPE, 0},
	    {"&", T_AMP, 0},
	    {";", T_SEMI, 0},
	    {"<", T_REDIR, RD_IN},
	    {">", T_REDIR, RD_OUT},
	    {"\n", T_NEWLINE, 0},
	};
	for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++) {
		size_t len = strlen(ops[k].text);
		if (strncmp(s, ops[k].text, len) == 0) {
			lx->pos += len;
			struct token *t = push(lx, ops[k].kind, start);
			t->op = ops[k].op;
			t->fd = fd;
			return;
		}
	}
}

enum parse_status sh_lex(const char *src, struct token **toks, int *ntoks, char *err, size_t errsz)
{
	struct lexer lx = {src, 0, NULL, 0, 0};
	for (;;) {
		while (blank(src[lx.pos]))
			lx.pos++;
		char c = src[lx.pos];
		if (c == '\0')
			break;
		if (c == '\\' && src[lx.pos + 1] == '\n') {
			lx.pos += 2;
			continue;
		}
		if (c == '#') { /* a comment, up to the newline */
			while (src[lx.pos] && src[lx.pos] != '\n')
				lx.pos++;
			continue;
		}
		if (opchar(c)) {
			scan_op(&lx, -1);
			continue;
		}
		size_t start = lx.pos;
		struct sbuf w = {0};
		enum parse_status st = scan_word(&lx, &w, err, errsz);
		if (st != PARSE_OK)
			return st;
		if (w.len == 0) /* only line continuations */
			continue;
		const char *text = sb_str(&w);
		char next = src[lx.pos];
		if ((next == '<' || next == '>') && all_digits(text) && strlen(text) < 4) {
			scan_op(&lx, atoi(text)); /* 2>file, 2>&1 */
			lx.toks[lx.n - 1].start = start;
			continue;
		}
		struct token *t = push(&lx, T_WORD, start);
		t->text = (char *)text;
	}
	push(&lx, T_END, lx.pos);
	*toks = lx.toks;
	*ntoks = lx.n;
	return PARSE_OK;
}

const char *sh_tokname(const struct token *t)
{
	static const char *const names[] = {
	    [T_WORD] = "word",
	    [T_REDIR] = "redirection",
	    [T_PIPE] = "|",
	    [T_AND] = "&&",
	    [T_OR] = "||",
	    [T_SEMI] = ";",
	    [T_AMP] = "&",
	    [T_NEWLINE] = "newline",
	    [T_END] = "end of input",
	};
	if (t->kind == T_WORD)
		return t->text;
	if (t->kind == T_REDIR) {
		static const char *const rd[] = {"<", ">", ">>", "<&", ">&"};
		return rd[t->op];
	}
	return names[t->kind];
}
