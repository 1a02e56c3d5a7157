/*
 * parse.c: tokens -> struct list, by recursive descent over the grammar
 * in sh.h.  The input is complete or it is not: a list that ends right
 * after |, && or || (newlines allowed in between) asks for more input
 * (PARSE_MORE), which the reader supplies as the next line.
 */
#include <stdio.h>
#include <string.h>
#include "sh.h"

struct parser {
	const char *src;
	struct token *t;
	int n, i;
	char *err;
	size_t errsz;
	enum parse_status st;
};

static struct token *peek(struct parser *p)
{
	return &p->t[p->i];
}

static void skip_newlines(struct parser *p)
{
	while (peek(p)->kind == T_NEWLINE)
		p->i++;
}

static void syntax_error(struct parser *p)
{
	if (p->st != PARSE_OK)
		return;
	struct token *t = peek(p);
	if (t->kind == T_END) {
		p->st = PARSE_MORE; /* e.g. "a |" at the end: the next line continues it */
		return;
	}
	snprintf(p->err, p->errsz, "syntax error near '%s'", sh_tokname(t));
	p->st = PARSE_ERROR;
}

/* Append one element to a growing arena array. */
static void *grow(void *arr, int n, size_t size)
{
	if (n & (n - 1)) /* capacity is the next power of two >= n */
		return arr;
	void *bigger = sh_alloc((size_t)(n ? n * 2 : 1) * size);
	if (n)
		memcpy(bigger, arr, (size_t)n * size);
	return bigger;
}

static bool parse_command(struct parser *p, struct cmd *c)
{
	struct redir **tail = &c->redirs;
	memset(c, 0, sizeof *c);
	for (;;) {
		struct token *t = peek(p);
		if (t->kind == T_WORD) {
			p->i++;
			if (c->nwords == 0 && sh_is_assignment(t->text)) {
				c->assigns = grow(c->assigns, c->nassigns, sizeof(char *));
				c->assigns[c->nassigns++] = t->text;
			} else {
				c->words = grow(c->words, c->nwords, sizeof(char *));
				c->words[c->nwords++] = t->text;
			}
		} else if (t->kind == T_REDIR) {
			p->i++;
			struct token *target = peek(p);
			if (target->kind != T_WORD) {
				syntax_error(p);
				return false;
			}
			p->i++;
			struct redir *r = sh_alloc(sizeof *r);
			r->op = t->op;
			r->fd = t->fd >= 0 ? t->fd : (t->op == RD_IN || t->op == RD_DUPIN) ? 0 : 1;
			r->word = target->text;
			*tail = r;
			tail = &r->next;
		} else {
			break;
		}
	}
	if (c->nwords == 0 && c->nassigns == 0 && c->redirs == NULL) {
		syntax_error(p);
		return false;
	}
	if (c->words)
		c->words = grow(c->words, c->nwords, sizeof(char *)), c->words[c->nwords] = NULL;
	return true;
}

static bool parse_pipeline(struct parser *p, struct pipeline *pl)
{
	memset(pl, 0, sizeof *pl);
	if (peek(p)->kind == T_WORD && strcmp(peek(p)->text, "!") == 0) {
		pl->bang = true;
		p->i++;
	}
	for (;;) {
		pl->cmds = grow(pl->cmds, pl->ncmds, sizeof *pl->cmds);
		if (!parse_command(p, &pl->cmds[pl->ncmds]))
			return false;
		pl->ncmds++;
		if (peek(p)->kind != T_PIPE)
			return true;
		p->i++;
		skip_newlines(p);
	}
}

static bool parse_andor(struct parser *p, struct andor *a)
{
	memset(a, 0, sizeof *a);
	size_t start = peek(p)->start;
	for (;;) {
		a->pipes = grow(a->pipes, a->npipes, sizeof *a->pipes);
		if (!parse_pipeline(p, &a->pipes[a->npipes]))
			return false;
		a->npipes++;
		enum tok_kind k = peek(p)->kind;
		if (k != T_AND && k != T_OR)
			break;
		a->ops = grow(a->ops, a->npipes - 1, sizeof *a->ops);
		a->ops[a->npipes - 1] = k == T_AND ? AO_AND : AO_OR;
		p->i++;
		skip_newlines(p);
	}
	size_t end = p->t[p->i - 1].end;
	a->text = sh_strndup(p->src + start, end - start);
	return true;
}

enum parse_status sh_parse(const char *src, struct list *out, char *err, size_t errsz)
{
	struct parser p = {src, NULL, 0, 0, err, errsz, PARSE_OK};
	memset(out, 0, sizeof *out);
	enum parse_status st = sh_lex(src, &p.t, &p.n, err, errsz);
	if (st != PARSE_OK)
		return st;
	for (;;) {
		skip_newlines(&p);
		if (peek(&p)->kind == T_END)
			return PARSE_OK;
		out->items = grow(out->items, out->n, sizeof *out->items);
		if (!parse_andor(&p, &out->items[out->n]))
			return p.st;
		struct andor *a = &out->items[out->n++];
		enum tok_kind k = peek(&p)->kind;
		if (k == T_AMP || k == T_SEMI) {
			a->bg = k == T_AMP;
			p.i++;
		} else if (k != T_NEWLINE && k != T_END) {
			syntax_error(&p);
			return p.st;
		}
	}
}
