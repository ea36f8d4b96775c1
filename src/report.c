/* report.c: the handover report (stub). */

#include "config.h"

#include "launchready.h"
