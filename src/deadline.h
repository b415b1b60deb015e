/*
 * deadline.h - absolute monotonic deadlines.
 *
 * A deadline is a point on CLOCK_MONOTONIC in milliseconds.  Every wait in
 * outpost polls against one, so a peer that drips bytes cannot stretch it.
 */
#ifndef OUTPOST_DEADLINE_H
#define OUTPOST_DEADLINE_H

#include <stdint.h>

typedef int64_t deadline_t;	/* ms on CLOCK_MONOTONIC; 0 = none */

int64_t		deadline_now_ms(void);
deadline_t	deadline_in(int64_t ms);
/* ms left for poll(): 0 when expired, -1 when no deadline. */
int		deadline_left_ms(deadline_t);
int		deadline_expired(deadline_t);

#endif
