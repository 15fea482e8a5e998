/* num.h -- numbers for people, shared by the text renderings: counts with
 * thin groups ("1 234 567") and SLIs as percentages with the digits that
 * tell 99.9 % from 99.95 %. Each writes into buf and returns it. */
#ifndef HR_RENDER_NUM_H
#define HR_RENDER_NUM_H

#include <stddef.h>
#include <stdint.h>

const char *num_count(uint64_t n, char *buf, size_t len);
const char *num_percent(double sli, char *buf, size_t len);

#endif
