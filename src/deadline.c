/*
 * deadline.c - absolute deadlines on CLOCK_MONOTONIC.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <limits.h>
#include <time.h>

#include "deadline.h"

int64_t
deadline_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

deadline_t
deadline_in(int64_t ms)
{
	return deadline_now_ms() + (ms > 0 ? ms : 0);
}

int
deadline_left_ms(deadline_t d)
{
	int64_t left;

	if (d == 0)
		return -1;
	left = d - deadline_now_ms();
	if (left <= 0)
		return 0;
	return left > INT_MAX ? INT_MAX : (int)left;
}

int
deadline_expired(deadline_t d)
{
	return d != 0 && deadline_left_ms(d) == 0;
}
