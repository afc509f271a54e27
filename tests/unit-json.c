// SPDX-License-Identifier: GPL-2.0
/* The JSON writer: separators, pretty indentation, numbers, the escaper. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "../src/json.h"

static char *buf;
static size_t len;
static FILE *f;

static struct json_writer *open_w(bool pretty)
{
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	return json_new(f, pretty);
}

static const char *close_w(struct json_writer *w)
{
	json_free(w);
	fclose(f);
	return buf;
}

static void doc(struct json_writer *w)
{
	json_obj_begin(w);
	json_str_field(w, "s", "a\"b");
	json_key(w, "a");
	json_arr_begin(w);
	json_int(w, -1);
	json_uint(w, 2);
	json_arr_begin(w);
	json_arr_end(w);
	json_arr_end(w);
	json_null_field(w, "n");
	json_bool_field(w, "t", true);
	json_key(w, "o");
	json_obj_begin(w);
	json_obj_end(w);
	json_obj_end(w);
}

static void test_compact(void **state)
{
	struct json_writer *w = open_w(false);

	doc(w);
	assert_int_equal(json_depth(w), 0);
	assert_string_equal(close_w(w), "{\"s\": \"a\\\"b\", \"a\": [-1, 2, []], \"n\": null, "
			    "\"t\": true, \"o\": {}}\n");
	free(buf);
}

static void test_pretty(void **state)
{
	struct json_writer *w = open_w(true);

	doc(w);
	assert_string_equal(close_w(w), "{\n  \"s\": \"a\\\"b\",\n  \"a\": [\n    -1,\n    2,\n"
			    "    []\n  ],\n  \"n\": null,\n  \"t\": true,\n  \"o\": {}\n}\n");
	free(buf);
}

static void test_numbers(void **state)
{
	struct json_writer *w = open_w(false);

	json_arr_begin(w);
	json_int(w, INT64_MIN);
	json_int(w, INT64_MAX);
	json_uint(w, UINT64_MAX);
	json_uint(w, 0);
	json_hex(w, 0);
	json_hex(w, 0xdeadbeef);
	json_double(w, 0.5);
	json_double(w, 1.0 / 0.0);
	json_str(w, NULL);
	json_arr_end(w);
	json_uint(w, 7);	/* a second document, on its own line */
	assert_string_equal(close_w(w), "[-9223372036854775808, 9223372036854775807, "
			    "18446744073709551615, 0, \"0x0\", \"0xdeadbeef\", 0.5, null, null]\n"
			    "7\n");
	free(buf);
}

static void test_escape(void **state)
{
	static const char in[] = "\"\\/\b\f\n\r\t\x01\x1f\x7f\x80\xc3\xa9\xff ok";
	static const char want[] = "\"\\\"\\\\/\\u0008\\u000c\\n\\r\\t\\u0001\\u001f\\u007f\\u0080"
				   "\\u00c3\\u00a9\\u00ff ok\"";
	char mem[6 * sizeof(in) + 2];
	size_t n;

	f = open_memstream(&buf, &len);
	json_escape(f, in, sizeof(in) - 1);
	fclose(f);
	assert_string_equal(buf, want);
	free(buf);
	n = json_escape_mem(mem, in, sizeof(in) - 1);
	assert_int_equal(n, strlen(want));
	assert_memory_equal(mem, want, n);
	/* a NUL inside is a byte like any other */
	n = json_escape_mem(mem, "a\0b", 3);
	assert_memory_equal(mem, "\"a\\u0000b\"", n);
}

/* The rule, one byte at a time: what the escaper must write for @c */
static size_t ref_byte(char *d, unsigned char c)
{
	static const char letters[][2] = {
		{ '"', '"' }, { '\\', '\\' }, { '\n', 'n' }, { '\t', 't' }, { '\r', 'r' },
	};
	size_t i;

	for (i = 0; i < sizeof(letters) / sizeof(letters[0]); i++) {
		if (c == (unsigned char)letters[i][0]) {
			d[0] = '\\';
			d[1] = letters[i][1];
			return 2;
		}
	}
	if (c >= 0x20 && c < 0x7f) {
		d[0] = (char)c;
		return 1;
	}
	return (size_t)sprintf(d, "\\u%04x", c);
}

/* Every byte at every place of an 8-byte step, and a string longer than
 * json_escape()'s chunks: the same bytes as the rule gives one by one. */
static void test_escape_every_byte(void **state)
{
	char in[600], mem[6 * sizeof(in) + 2], want[6 * sizeof(in) + 2];
	size_t i, n, w;
	int c, at;

	(void)state;
	for (c = 0; c < 256; c++) {
		for (at = 0; at < 20; at++) {
			memset(in, 'a', 24);
			in[at] = (char)c;
			w = 1;
			want[0] = '"';
			for (i = 0; i < 24; i++)
				w += ref_byte(want + w, (unsigned char)in[i]);
			want[w++] = '"';
			n = json_escape_mem(mem, in, 24);
			assert_int_equal(n, w);
			assert_memory_equal(mem, want, n);
		}
	}
	for (i = 0; i < sizeof(in); i++)
		in[i] = (char)(i * 37 % 251 < 200 ? 'A' + i % 26 : i * 7);
	n = json_escape_mem(mem, in, sizeof(in));
	f = open_memstream(&buf, &len);
	json_escape(f, in, sizeof(in));
	fclose(f);
	assert_int_equal(len, n);
	assert_memory_equal(buf, mem, n);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compact),
		cmocka_unit_test(test_pretty),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_escape_every_byte),
	};

	return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
