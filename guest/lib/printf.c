/*
 * printf.c: the printf formatter, written once for every destination (a
 * sink callback), and the string variants (snprintf family).
 *
 * Conversions: d i u o x X c s p %, flags - + space # 0, width and
 * precision (numbers or *), length modifiers hh h l ll z j t.  No
 * floating point and no %n.  An unknown conversion is printed as is.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "fmt.h"

struct spec {
	unsigned left : 1, plus : 1, space : 1, alt : 1, zero : 1;
	int width;
	int prec; /* -1: none */
};

struct out {
	lde_sink_fn sink;
	void *ctx;
	size_t total;
};

static void emit(struct out *o, const char *s, size_t n)
{
	if (n) {
		o->sink(o->ctx, s, n);
		o->total += n;
	}
}

static void pad(struct out *o, char c, long n)
{
	static const char spaces[16] = "                ", zeros[16] = "0000000000000000";
	const char *src = c == '0' ? zeros : spaces;
	for (; n > 0; n -= 16)
		emit(o, src, n < 16 ? (size_t)n : 16);
}

/* A string field: width padding around at most len bytes of s. */
static void field(struct out *o, const struct spec *sp, const char *s, size_t len)
{
	long fill = sp->width > (long)len ? sp->width - (long)len : 0;
	if (!sp->left)
		pad(o, ' ', fill);
	emit(o, s, len);
	if (sp->left)
		pad(o, ' ', fill);
}

/* An integer: [spaces][sign or 0x][zeros][digits][spaces]. */
static void number(struct out *o, const struct spec *sp, uint64_t v, int neg, int sign_conv,
		   unsigned base, int upper)
{
	const char *dig = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char buf[24];
	int nd = 0;
	for (uint64_t x = v; x; x /= base)
		buf[sizeof buf - ++nd] = dig[x % base];
	if (v == 0 && sp->prec != 0)
		buf[sizeof buf - ++nd] = '0';

	char prefix[2];
	int np = 0;
	if (sign_conv && neg)
		prefix[np++] = '-';
	else if (sign_conv && sp->plus)
		prefix[np++] = '+';
	else if (sign_conv && sp->space)
		prefix[np++] = ' ';
	if (sp->alt && base == 16 && v != 0) {
		prefix[np++] = '0';
		prefix[np++] = upper ? 'X' : 'x';
	}

	long zeros = sp->prec > nd ? sp->prec - nd : 0;
	if (sp->alt && base == 8 && zeros == 0 && (nd == 0 || buf[sizeof buf - nd] != '0'))
		zeros = 1; /* # makes an octal number start with 0 */
	long len = np + zeros + nd;
	if (sp->zero && !sp->left && sp->prec < 0 && sp->width > len) {
		zeros += sp->width - len;
		len = sp->width;
	}
	if (!sp->left)
		pad(o, ' ', sp->width - len);
	emit(o, prefix, (size_t)np);
	pad(o, '0', zeros);
	emit(o, buf + sizeof buf - nd, (size_t)nd);
	if (sp->left)
		pad(o, ' ', sp->width - len);
}

/* Read a decimal number at *pp, saturating at INT_MAX. */
static int decimal(const char **pp)
{
	long v = 0;
	for (; **pp >= '0' && **pp <= '9'; (*pp)++)
		if ((v = v * 10 + (**pp - '0')) > INT_MAX)
			v = INT_MAX;
	return (int)v;
}

int lde_vformat(lde_sink_fn sink, void *ctx, const char *fmt, va_list ap)
{
	struct out o = {sink, ctx, 0};
	while (*fmt) {
		const char *pct = strchr(fmt, '%');
		if (pct == NULL) {
			emit(&o, fmt, strlen(fmt));
			break;
		}
		emit(&o, fmt, (size_t)(pct - fmt));
		const char *p = pct + 1;

		struct spec sp = {0, 0, 0, 0, 0, 0, -1};
		for (;; p++) {
			if (*p == '-')
				sp.left = 1;
			else if (*p == '+')
				sp.plus = 1;
			else if (*p == ' ')
				sp.space = 1;
			else if (*p == '#')
				sp.alt = 1;
			else if (*p == '0')
				sp.zero = 1;
			else
				break;
		}
		if (*p == '*') {
			p++;
			sp.width = va_arg(ap, int);
			if (sp.width < 0) {
				sp.left = 1;
				sp.width = sp.width == INT_MIN ? INT_MAX : -sp.width;
			}
		} else {
			sp.width = decimal(&p);
		}
		if (*p == '.') {
			p++;
			if (*p == '*') {
				p++;
				sp.prec = va_arg(ap, int);
				if (sp.prec < 0)
					sp.prec = -1;
			} else {
				sp.prec = decimal(&p);
			}
		}

		int size = 0; /* -2 hh, -1 h, 0 int, 1 long and wider */
		if (p[0] == 'h' && p[1] == 'h')
			size = -2, p += 2;
		else if (p[0] == 'h')
			size = -1, p++;
		else if (p[0] == 'l' && p[1] == 'l')
			size = 1, p += 2;
		else if (*p == 'l' || *p == 'z' || *p == 'j' || *p == 't')
			size = 1, p++;

		switch (*p) {
		case 'd':
		case 'i': {
			int64_t v = size > 0 ? va_arg(ap, long) : va_arg(ap, int);
			if (size == -1)
				v = (short)v;
			else if (size == -2)
				v = (signed char)v;
			number(&o, &sp, v < 0 ? 0 - (uint64_t)v : (uint64_t)v, v < 0, 1, 10, 0);
			break;
		}
		case 'u':
		case 'o':
		case 'x':
		case 'X': {
			uint64_t v = size > 0 ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
			if (size == -1)
				v = (unsigned short)v;
			else if (size == -2)
				v = (unsigned char)v;
			unsigned base = *p == 'u' ? 10 : *p == 'o' ? 8 : 16;
			number(&o, &sp, v, 0, 0, base, *p == 'X');
			break;
		}
		case 'p': {
			void *ptr = va_arg(ap, void *);
			if (ptr == NULL) {
				sp.prec = -1;
				field(&o, &sp, "(nil)", 5);
			} else {
				sp.alt = 1;
				number(&o, &sp, (uintptr_t)ptr, 0, 0, 16, 0);
			}
			break;
		}
		case 'c': {
			char c = (char)va_arg(ap, int);
			field(&o, &sp, &c, 1);
			break;
		}
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (s == NULL)
				s = "(null)";
			field(&o, &sp, s, sp.prec >= 0 ? strnlen(s, (size_t)sp.prec) : strlen(s));
			break;
		}
		case '%':
			emit(&o, "%", 1);
			break;
		case '\0':
			emit(&o, pct, (size_t)(p - pct)); /* a lone % at the end */
			fmt = p;
			continue;
		default:
			emit(&o, pct, (size_t)(p + 1 - pct));
			break;
		}
		fmt = p + 1;
	}
	return o.total > INT_MAX ? INT_MAX : (int)o.total;
}

/* snprintf family: a sink that stores what fits and counts the rest. */
struct strbuf {
	char *s;
	size_t cap, len; /* cap includes the NUL */
};

static void str_sink(void *ctx, const char *s, size_t n)
{
	struct strbuf *b = ctx;
	if (b->len + 1 < b->cap) {
		size_t room = b->cap - 1 - b->len;
		memcpy(b->s + b->len, s, n < room ? n : room);
	}
	b->len += n;
}

int vsnprintf(char *restrict s, size_t n, const char *restrict fmt, va_list ap)
{
	struct strbuf b = {s, n, 0};
	int r = lde_vformat(str_sink, &b, fmt, ap);
	if (n)
		s[b.len < n ? b.len : n - 1] = '\0';
	return r;
}

int snprintf(char *restrict s, size_t n, const char *restrict fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vsnprintf(s, n, fmt, ap);
	va_end(ap);
	return r;
}

int vsprintf(char *restrict s, const char *restrict fmt, va_list ap)
{
	return vsnprintf(s, SIZE_MAX, fmt, ap);
}

int sprintf(char *restrict s, const char *restrict fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vsprintf(s, fmt, ap);
	va_end(ap);
	return r;
}
