// SPDX-License-Identifier: GPL-2.0
/*
 * C++ names: the demangled form of a symbol, by the system's demangler,
 * and names compared as people type them ("f(long, char const*)" is
 * "f(long int, const char *)").
 */
#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "resolve.h"
#include "util.h"

/*
 * libstdc++ is not linked but loaded on the first name that starts with
 * "_Z": a C program has none, so C users pay nothing for it at startup.
 * A missing libstdc++ leaves names as they are.
 */
static char *(*cxa_demangle)(const char *name, char *buf, size_t *len, int *status);
static bool demangler_tried;

static bool demangler(void)
{
	void *h;

	if (demangler_tried)
		return cxa_demangle != NULL;
	demangler_tried = true;
	h = dlopen("libstdc++.so.6", RTLD_LAZY | RTLD_LOCAL);
	if (h)
		*(void **)&cxa_demangle = dlsym(h, "__cxa_demangle");
	return cxa_demangle != NULL;
}

char *resolve_demangle(const char *name)
{
	size_t n = strcspn(name, "@");
	char *base, *dm, *r;
	int status = -1;

	if (strncmp(name, "_Z", 2) != 0 || !demangler()) {
		errno = EINVAL;
		return NULL;
	}
	base = strndup(name, n);
	if (!base)
		return NULL;
	dm = cxa_demangle(base, NULL, NULL, &status);
	free(base);
	if (!dm || status) {
		free(dm);
		errno = EINVAL;
		return NULL;
	}
	if (!name[n])
		return dm;
	/* "name@VER": the version stays */
	r = malloc(strlen(dm) + strlen(name + n) + 1);
	if (r) {
		strcpy(r, dm);
		strcat(r, name + n);
	}
	free(dm);
	return r;
}

/* --- names as people type them ------------------------------------------- */

size_t resolve_cxx_base_len(const char *name)
{
	size_t i, brace = 0;

	for (i = 0; name[i] && name[i] != '@'; i++) {
		if (name[i] == '{' || name[i] == '}') {
			brace += name[i] == '{' ? 1 : brace ? -1 : 0;
			continue;
		}
		if (name[i] != '(' || brace)
			continue;
		/* "operator()(int)": the first "()" is the name's */
		if (i >= 8 && strncmp(name + i - 8, "operator", 8) == 0 && name[i + 1] == ')')
			i++;
		else
			return i;
	}
	return i;
}

/* The output of the normalizer: what does not fit is cut. */
struct norm {
	char *out;
	size_t len, used;
};

static void put(struct norm *n, const char *s, size_t len)
{
	if (n->used && len && (isalnum((unsigned char)s[0]) || s[0] == '_') &&
	    (isalnum((unsigned char)n->out[n->used - 1]) || n->out[n->used - 1] == '_'))
		put(n, " ", 1);
	while (len-- && n->used + 1 < n->len)
		n->out[n->used++] = *s++;
	n->out[n->used] = '\0';
}

/* The words of one specifier run ("unsigned const long"), counted. */
struct spec {
	unsigned int cv_const, cv_volatile, sign_u, sign_s, shrt, lng, chr, dbl, integer;
};

static bool spec_word(struct spec *sp, const char *w, size_t len)
{
	static const struct {
		const char *w;
		size_t off;
	} words[] = {
		{ "const", offsetof(struct spec, cv_const) },
		{ "volatile", offsetof(struct spec, cv_volatile) },
		{ "unsigned", offsetof(struct spec, sign_u) },
		{ "signed", offsetof(struct spec, sign_s) },
		{ "short", offsetof(struct spec, shrt) },
		{ "long", offsetof(struct spec, lng) },
		{ "char", offsetof(struct spec, chr) },
		{ "double", offsetof(struct spec, dbl) },
		{ "int", offsetof(struct spec, integer) },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(words); i++)
		if (strlen(words[i].w) == len && strncmp(w, words[i].w, len) == 0) {
			(*(unsigned int *)((char *)sp + words[i].off))++;
			return true;
		}
	return false;
}

/* "const volatile", then the one spelling of the built-in type. */
static void put_spec(struct norm *n, const struct spec *sp)
{
	if (sp->cv_const)
		put(n, "const", 5);
	if (sp->cv_volatile)
		put(n, "volatile", 8);
	if (sp->chr) {
		if (sp->sign_u || sp->sign_s)
			put(n, sp->sign_u ? "unsigned" : "signed", sp->sign_u ? 8 : 6);
		put(n, "char", 4);
	} else if (sp->dbl) {
		if (sp->lng)
			put(n, "long", 4);
		put(n, "double", 6);
	} else if (sp->sign_u || sp->sign_s || sp->shrt || sp->lng || sp->integer) {
		if (sp->sign_u)
			put(n, "unsigned", 8);
		if (sp->shrt)
			put(n, "short", 5);
		if (sp->lng > 1)
			put(n, "long", 4);
		if (sp->lng)
			put(n, "long", 4);
		put(n, "int", 3);
	}
}

static bool word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == ':' || c == '~' || c == '$' ||
	       c == '.';
}

/* One run of words up to punctuation, from *@s: specifiers folded, the
 * other words (names) kept in order after them. */
static void norm_run(struct norm *n, const char **s)
{
	const char *p = *s, *names[16];
	size_t lens[16], nn = 0, i;
	struct spec sp = { 0 };

	while (*p && (word_char(*p) || *p == ' ')) {
		const char *w = p;

		if (*p == ' ') {
			p++;
			continue;
		}
		while (word_char(*p))
			p++;
		if (spec_word(&sp, w, p - w))
			continue;
		if ((p - w == 6 && !strncmp(w, "struct", 6)) || (p - w == 5 && !strncmp(w, "class", 5)))
			continue;
		if (nn < ARRAY_SIZE(names)) {
			names[nn] = w;
			lens[nn++] = p - w;
		}
	}
	put_spec(n, &sp);
	for (i = 0; i < nn; i++)
		put(n, names[i], lens[i]);
	*s = p;
}

/* @in in one spelling into @out: see resolve_cxx_same(). */
static void normalize(const char *in, char *out, size_t len)
{
	struct norm n = { out, len, 0 };
	size_t b;

	out[0] = '\0';
	while (*in) {
		if (word_char(*in)) {
			norm_run(&n, &in);
			continue;
		}
		if (*in != ' ')
			put(&n, in, 1);
		in++;
	}
	/* "f(void)" is "f()" */
	b = resolve_cxx_base_len(out);
	if (strcmp(out + b, "(void)") == 0)
		strcpy(out + b, "()");
}

bool resolve_cxx_same(const char *a, const char *b)
{
	char na[1024], nb[1024];

	normalize(a, na, sizeof(na));
	normalize(b, nb, sizeof(nb));
	return strcmp(na, nb) == 0;
}

bool resolve_cxx_matches(const char *typed, const char *name)
{
	size_t tb = resolve_cxx_base_len(typed), nb = resolve_cxx_base_len(name);
	char *n;
	bool ok;

	if (typed[tb] == '(' || name[nb] != '(')
		return resolve_cxx_same(typed, name);
	n = strndup(name, nb);
	if (!n)
		return false;
	ok = resolve_cxx_same(typed, n);
	free(n);
	return ok;
}

char *resolve_cxx_short(const char *name)
{
	char *dm = strndup(name, resolve_cxx_base_len(name)), *p, *last = NULL, *prev = NULL;
	size_t brace = 0, angle = 0;

	if (!dm)
		return NULL;
	/* the last two components: "acc::Counter::bump" -> "Counter::bump" */
	for (p = dm; *p; p++) {
		if (*p == '{' || *p == '<')
			*p == '{' ? brace++ : angle++;
		else if ((*p == '}' && brace) || (*p == '>' && angle))
			*p == '}' ? brace-- : angle--;
		else if (!brace && !angle && p[0] == ':' && p[1] == ':') {
			prev = last;
			last = ++p + 1;
		}
	}
	if (prev)
		memmove(dm, prev, strlen(prev) + 1);
	return dm;
}

char *resolve_cxx_event_base(const char *symbol)
{
	char *dm = resolve_demangle(symbol), *r;

	if (!dm)
		return NULL;
	r = resolve_cxx_short(dm);
	free(dm);
	return r;
}
