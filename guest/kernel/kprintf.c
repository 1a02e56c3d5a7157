/*
 * kprintf.c: formatted output for the kernel.
 *
 * Conversions: %d %i %u %x %X %p %s %c %%, with the flags '-' and '0', a
 * field width (or *), a precision for %s (or .*), and the length
 * modifiers l, ll, z.  %p prints 0x and 16 hex digits.  Literal text is
 * handed to the sink in runs and kprintf buffers a line, so the console
 * sees few, long writes.
 */
#include "defs.h"

struct spec {
	bool left, zero;
	int width, prec;
};

static void pad(putfn put, void *arg, char c, int n)
{
	char buf[16];

	if (n <= 0)
		return; /* the common case: no field width */
	memset(buf, c, sizeof(buf));
	for (; n > 0; n -= sizeof(buf))
		put(arg, buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf));
}

/* Emit s[0..n) in a field: padding left or right, zeros after a sign. */
static void field(putfn put, void *arg, const struct spec *sp, const char *s, int n)
{
	int fill = sp->width > n ? sp->width - n : 0;

	if (fill == 0) {
		put(arg, s, n);
	} else if (sp->left) {
		put(arg, s, n);
		pad(put, arg, ' ', fill);
	} else if (sp->zero) {
		if (n > 0 && *s == '-') {
			put(arg, s, 1);
			s++, n--;
		}
		pad(put, arg, '0', fill);
		put(arg, s, n);
	} else {
		pad(put, arg, ' ', fill);
		put(arg, s, n);
	}
}

__attribute__((noinline)) static int utoa(char *end, uint64_t v, unsigned base, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char *p = end;

	if (base == 16) {
		do {
			*--p = digits[v & 15];
			v >>= 4;
		} while (v);
	} else {
		do { /* one div a digit: fewer instructions than a multiply by 1/10 */
			*--p = (char)('0' + v % base);
			v /= base;
		} while (v);
	}
	return end - p;
}

void kvformat(putfn put, void *arg, const char *fmt, va_list ap)
{
	char num[24];
	char *end = num + sizeof(num);
	const char *fmt_end = fmt + strlen(fmt);

	while (fmt < fmt_end) {
		/* The literal run up to the next '%' is found by memchr's string
		 * instruction: a byte loop costs ~10,000 cycles a byte in ring 0
		 * under kvm_pvm (console.c). */
		const char *pct = memchr(fmt, '%', (size_t)(fmt_end - fmt));
		if (!pct)
			pct = fmt_end;
		if (pct > fmt)
			put(arg, fmt, pct - fmt);
		if (pct == fmt_end)
			break;
		fmt = pct + 1;

		struct spec sp = {.prec = -1};
		for (;; fmt++) {
			if (*fmt == '-')
				sp.left = true;
			else if (*fmt == '0')
				sp.zero = true;
			else
				break;
		}
		if (*fmt == '*') {
			sp.width = va_arg(ap, int);
			fmt++;
		} else {
			while (*fmt >= '0' && *fmt <= '9')
				sp.width = sp.width * 10 + (*fmt++ - '0');
		}
		if (*fmt == '.') {
			fmt++;
			sp.prec = 0;
			if (*fmt == '*') {
				sp.prec = va_arg(ap, int);
				fmt++;
			} else {
				while (*fmt >= '0' && *fmt <= '9')
					sp.prec = sp.prec * 10 + (*fmt++ - '0');
			}
		}
		int lng = 0;
		while (*fmt == 'l' || *fmt == 'z') {
			lng++;
			fmt++;
		}

		uint64_t u;
		int64_t d;
		int n;
		switch (*fmt) {
		case 'd':
		case 'i':
			d = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
			u = d < 0 ? -(uint64_t)d : (uint64_t)d;
			n = utoa(end, u, 10, false);
			if (d < 0)
				end[-++n] = '-';
			field(put, arg, &sp, end - n, n);
			break;
		case 'u':
		case 'x':
		case 'X':
			u = lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
			n = utoa(end, u, *fmt == 'u' ? 10 : 16, *fmt == 'X');
			field(put, arg, &sp, end - n, n);
			break;
		case 'p':
			u = (uint64_t)va_arg(ap, void *);
			n = utoa(end, u, 16, false);
			while (n < 16)
				end[-++n] = '0';
			end[-++n] = 'x';
			end[-++n] = '0';
			field(put, arg, &sp, end - n, n);
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			n = sp.prec >= 0 ? (int)strnlen(s, sp.prec) : (int)strlen(s);
			sp.zero = false;
			field(put, arg, &sp, s, n);
			break;
		}
		case 'c':
			num[0] = (char)va_arg(ap, int);
			sp.zero = false;
			field(put, arg, &sp, num, 1);
			break;
		case '%':
			put(arg, "%", 1);
			break;
		default: /* unknown: print it as written, visibly */
			put(arg, "%?", 2);
			if (!*fmt)
				return;
			put(arg, fmt, 1);
			break;
		}
		fmt++;
	}
}

/* kprintf's line buffer: flushed when full and at the end of each call. */
struct kbuf {
	char b[128];
	size_t n;
};

static void kbuf_put(void *arg, const char *s, size_t n)
{
	struct kbuf *kb = arg;

	if (kb->n + n > sizeof(kb->b)) {
		console_write(kb->b, kb->n);
		kb->n = 0;
		if (n > sizeof(kb->b)) {
			console_write(s, n);
			return;
		}
	}
	memcpy(kb->b + kb->n, s, n);
	kb->n += n;
}

void kvprintf(const char *fmt, va_list ap)
{
	struct kbuf kb;

	kb.n = 0;
	kvformat(kbuf_put, &kb, fmt, ap);
	console_write(kb.b, kb.n);
}

void kprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
}

/* ksnprintf: like snprintf; returns the length the output needed. */
struct sbuf {
	char *p;
	size_t size, len;
};

static void sbuf_put(void *arg, const char *s, size_t n)
{
	struct sbuf *sb = arg;

	if (sb->len < sb->size) {
		size_t room = sb->size - sb->len;
		memcpy(sb->p + sb->len, s, n < room ? n : room);
	}
	sb->len += n;
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sbuf sb = {buf, size ? size - 1 : 0, 0};

	kvformat(sbuf_put, &sb, fmt, ap);
	if (size)
		buf[sb.len < sb.size ? sb.len : sb.size] = 0;
	return (int)sb.len;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
