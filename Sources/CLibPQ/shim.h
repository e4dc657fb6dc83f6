#include <stdlib.h>
#include <string.h>
#include <postgresql/libpq-fe.h>
