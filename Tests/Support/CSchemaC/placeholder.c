#include "schema_c.h"
