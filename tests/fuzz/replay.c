/*
 * replay.c - a plain main() for a fuzz target: feeds every file of the
 * target's corpus (tests/fuzz/corpus/<name>, or the files and
 * directories given as arguments) to LLVMFuzzerTestOneInput() once, as
 * TAP.  Built with the normal compiler, so every make check replays the
 * corpora, crash inputs included, against the current parsers.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define REPLAY_PATH_MAX	4096
#define REPLAY_FILES_MAX	4096

static int	 replay_n;

static int
replay_file(const char *path)
{
	static uint8_t buf[FUZZ_MAX_INPUT];
	uint8_t *copy;
	FILE *fp;
	size_t len;

	if ((fp = fopen(path, "rb")) == NULL) {
		printf("not ok %d - %s: cannot open\n", ++replay_n, path);
		return -1;
	}
	len = fread(buf, 1, sizeof(buf), fp);
	fclose(fp);
	/* an exact-size copy: a read past the end is caught by ASan */
	if ((copy = malloc(len == 0 ? 1 : len)) == NULL)
		return -1;
	memcpy(copy, buf, len);
	LLVMFuzzerTestOneInput(copy, len);
	free(copy);
	printf("ok %d - %s (%zu bytes)\n", ++replay_n, path, len);
	return 0;
}

static int
replay_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file of dir, in name order (stable TAP numbering). */
static int
replay_dir(const char *dir)
{
	char *names[REPLAY_FILES_MAX], path[REPLAY_PATH_MAX];
	struct dirent *de;
	size_t n = 0, i;
	DIR *d;
	int r = 0;

	if ((d = opendir(dir)) == NULL)
		return replay_file(dir);
	while ((de = readdir(d)) != NULL && n < REPLAY_FILES_MAX) {
		if (de->d_name[0] == '.')
			continue;
		if ((names[n] = strdup(de->d_name)) == NULL)
			break;
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), replay_cmp);
	for (i = 0; i < n; i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
		    names[i]) >= sizeof(path) || replay_file(path) == -1)
			r = -1;
		free(names[i]);
	}
	return r;
}

int
main(int argc, char **argv)
{
	char dir[REPLAY_PATH_MAX];
	const char *top;
	int i, r = 0;

	if (argc > 1) {
		for (i = 1; i < argc; i++)
			if (replay_dir(argv[i]) == -1)
				r = 1;
	} else {
		if ((top = getenv("top_srcdir")) == NULL)
			top = ".";
		snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/%s", top,
		    fuzz_name);
		r = replay_dir(dir) == -1 ? 1 : 0;
	}
	if (replay_n == 0) {
		printf("not ok 1 - no corpus file for %s\n", fuzz_name);
		replay_n = 1;
		r = 1;
	}
	printf("1..%d\n", replay_n);
	return r;
}
