// SPDX-License-Identifier: GPL-2.0
/*
 * The floor of add, del and clear: FILE opened once (O_APPEND, never
 * O_TRUNC, which would delete every probe on the system), then one write(2)
 * per line of LINES, as the kernel takes uprobe_events one command a write.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char line[4096];
	FILE *in;
	int fd, rc = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: floor-write FILE LINES\n");
		return 2;
	}
	in = fopen(argv[2], "r");
	fd = open(argv[1], O_WRONLY | O_APPEND | O_CLOEXEC);
	if (!in || fd < 0) {
		perror("floor-write");
		return 1;
	}
	while (fgets(line, sizeof(line), in))
		if (write(fd, line, strlen(line)) < 0)
			rc = 1;
	close(fd);
	fclose(in);
	return rc;
}
