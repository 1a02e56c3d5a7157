/*
 * malloc.c: a boundary-tag allocator on sbrk with segregated free lists.
 *
 * The heap is one or more segments obtained from sbrk (one while nobody
 * else moves the break).  A segment is a header, then blocks back to
 * back, then an epilogue header (size 0, in use).  A block is an 8-byte
 * header (size | USED | PREV_USED) followed by its payload; block sizes
 * are multiples of 16 and every header sits at 8 mod 16, so payloads are
 * 16-byte aligned.  A free block also holds its free-list links at the
 * start of its payload and its size in its last 8 bytes (the footer), so
 * free() merges with both neighbours in O(1): there are never two free
 * blocks side by side.  Free blocks sit in one of NBINS doubly linked
 * lists by size class (powers of two); malloc takes the first block that
 * fits, starting at the request's class, and splits it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <lde.h>

#define ALIGN     16
#define HDR       8
#define MINBLK    32          /* header, two links, footer */
#define CHUNK     (64 * 1024) /* least heap growth */
#define NBINS     40
#define USED      1ul
#define PREV_USED 2ul
#define FLAGS     (USED | PREV_USED)

struct block {
	size_t hdr;
	struct block *next, *prev; /* free blocks only */
};

struct segment {
	struct segment *next;
	char *end; /* one past the epilogue header */
	size_t pad;
};
_Static_assert(sizeof(struct segment) % ALIGN == HDR, "first block header at 8 mod 16");

static struct segment *segments;
static struct block *bins[NBINS];

static size_t bsize(const struct block *b)
{
	return b->hdr & ~FLAGS;
}

static struct block *after(const struct block *b)
{
	return (struct block *)((char *)b + bsize(b));
}

static size_t *footer(struct block *b)
{
	return (size_t *)((char *)b + bsize(b) - sizeof(size_t));
}

static int bin_of(size_t size)
{
	int i = 0;
	for (size >>= 5; size > 1 && i < NBINS - 1; size >>= 1)
		i++;
	return i;
}

static void bin_insert(struct block *b)
{
	int i = bin_of(bsize(b));
	b->prev = NULL;
	b->next = bins[i];
	if (bins[i])
		bins[i]->prev = b;
	bins[i] = b;
}

static void bin_remove(struct block *b)
{
	if (b->prev)
		b->prev->next = b->next;
	else
		bins[bin_of(bsize(b))] = b->next;
	if (b->next)
		b->next->prev = b->prev;
}

/* Merge a free block (in no bin) with its free neighbours; returns the result. */
static struct block *coalesce(struct block *b)
{
	struct block *n = after(b);
	if (!(n->hdr & USED)) {
		bin_remove(n);
		b->hdr += bsize(n);
	}
	if (!(b->hdr & PREV_USED)) {
		struct block *p = (struct block *)((char *)b - *((size_t *)b - 1));
		bin_remove(p);
		p->hdr += bsize(b);
		b = p;
	}
	return b;
}

/* Free b (its header holds its size): merge, write the footer, file it. */
static void release(struct block *b)
{
	b->hdr &= ~USED;
	after(b)->hdr &= ~PREV_USED;
	b = coalesce(b);
	*footer(b) = bsize(b);
	bin_insert(b);
}

/* The first block of a segment. */
static struct block *first(struct segment *s)
{
	return (struct block *)(s + 1);
}

/* Grow the heap by at least `need` bytes of block space. */
static int grow(size_t need)
{
	size_t want = need < CHUNK ? CHUNK : need;
	char *cur = sbrk(0);
	if (cur == (void *)-1)
		return -1;
	struct segment *last = segments;
	while (last && last->next)
		last = last->next;
	if (last && last->end == cur) {
		/* Contiguous: the old epilogue becomes the new block's header. */
		if (sbrk((intptr_t)want) == (void *)-1)
			return -1;
		struct block *b = (struct block *)(cur - HDR);
		b->hdr = want | (b->hdr & PREV_USED) | USED;
		last->end = cur + want;
		after(b)->hdr = USED | PREV_USED; /* epilogue */
		release(b);
		return 0;
	}
	/* A new segment: its 24-byte header puts the first block at 8 mod 16. */
	size_t lead = (ALIGN - (uintptr_t)cur % ALIGN) % ALIGN;
	size_t total = lead + sizeof(struct segment) + want + HDR;
	if (total < want || sbrk((intptr_t)total) == (void *)-1)
		return -1;
	struct segment *s = (struct segment *)(cur + lead);
	s->next = NULL;
	s->end = cur + total;
	struct block *b = first(s);
	b->hdr = want | PREV_USED | USED;
	after(b)->hdr = USED | PREV_USED; /* epilogue */
	release(b);
	if (last)
		last->next = s;
	else
		segments = s;
	return 0;
}

/* The block size serving n payload bytes, or 0 if n is absurd. */
static size_t request(size_t n)
{
	if (n > SIZE_MAX / 2)
		return 0;
	size_t size = (n + HDR + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	return size < MINBLK ? MINBLK : size;
}

static struct block *find(size_t size)
{
	for (int i = bin_of(size); i < NBINS; i++)
		for (struct block *b = bins[i]; b; b = b->next)
			if (bsize(b) >= size)
				return b;
	return NULL;
}

/* Cut b (in use) down to size, freeing the tail if it can be a block. */
static void trim(struct block *b, size_t size)
{
	size_t rest = bsize(b) - size;
	if (rest < MINBLK)
		return;
	b->hdr = size | (b->hdr & FLAGS);
	struct block *t = after(b);
	t->hdr = rest | PREV_USED | USED;
	release(t);
}

void *malloc(size_t n)
{
	size_t size = request(n);
	if (size == 0) {
		errno = ENOMEM;
		return NULL;
	}
	struct block *b = find(size);
	if (b == NULL) {
		if (grow(size) < 0) {
			errno = ENOMEM;
			return NULL;
		}
		b = find(size);
	}
	bin_remove(b);
	b->hdr |= USED;
	after(b)->hdr |= PREV_USED;
	trim(b, size);
	return (char *)b + HDR;
}

static struct block *block_of(void *p)
{
	struct block *b = (struct block *)((char *)p - HDR);
	if ((uintptr_t)p % ALIGN || !(b->hdr & USED) || bsize(b) < MINBLK) {
		static const char msg[] = "malloc: free or realloc of an invalid pointer\n";
		write(2, msg, sizeof msg - 1);
		abort();
	}
	return b;
}

void free(void *p)
{
	if (p == NULL)
		return;
	release(block_of(p));
}

void *calloc(size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	void *p = malloc(n * size);
	return p ? memset(p, 0, n * size) : NULL;
}

void *realloc(void *p, size_t n)
{
	if (p == NULL)
		return malloc(n);
	if (n == 0) {
		free(p);
		return NULL;
	}
	struct block *b = block_of(p);
	size_t size = request(n);
	if (size == 0) {
		errno = ENOMEM;
		return NULL;
	}
	if (size <= bsize(b)) {
		trim(b, size);
		return p;
	}
	struct block *nx = after(b);
	if (!(nx->hdr & USED) && bsize(b) + bsize(nx) >= size) {
		bin_remove(nx);
		b->hdr += bsize(nx);
		after(b)->hdr |= PREV_USED;
		trim(b, size);
		return p;
	}
	void *q = malloc(n);
	if (q == NULL)
		return NULL;
	memcpy(q, p, bsize(b) - HDR);
	free(p);
	return q;
}

/* Heap walk: counts every broken invariant. */
int lde_malloc_check(void)
{
	int bad = 0;
	size_t free_walk = 0, free_bins = 0;
	for (struct segment *s = segments; s; s = s->next) {
		struct block *b = first(s);
		int prev_used = 1;
		while (bsize(b) != 0) {
			char *end = (char *)b + bsize(b);
			if (bsize(b) % ALIGN || bsize(b) < MINBLK || end > s->end - HDR)
				return bad + 1; /* cannot walk further */
			if (!!(b->hdr & PREV_USED) != prev_used)
				bad++;
			if (!(b->hdr & USED)) {
				free_walk++;
				if (*footer(b) != bsize(b))
					bad++;
				if (!prev_used)
					bad++; /* two free blocks side by side */
			}
			prev_used = b->hdr & USED ? 1 : 0;
			b = after(b);
		}
		if ((char *)b != s->end - HDR || !(b->hdr & USED) ||
		    !!(b->hdr & PREV_USED) != prev_used)
			bad++;
	}
	for (int i = 0; i < NBINS; i++)
		for (struct block *b = bins[i], *prev = NULL; b; prev = b, b = b->next) {
			free_bins++;
			if (b->hdr & USED || bin_of(bsize(b)) != i || b->prev != prev)
				bad++;
			if (free_bins > free_walk + 1)
				return bad + 1; /* a cycle */
		}
	return bad + (free_walk != free_bins);
}

void lde_malloc_stats(struct lde_malloc_stats *st)
{
	memset(st, 0, sizeof *st);
	for (struct segment *s = segments; s; s = s->next) {
		st->heap_bytes += (size_t)(s->end - (char *)s);
		for (struct block *b = first(s); bsize(b);
		     b = after(b)) {
			if (b->hdr & USED) {
				st->used_bytes += bsize(b);
			} else {
				st->free_bytes += bsize(b);
				st->free_blocks++;
			}
		}
	}
}
