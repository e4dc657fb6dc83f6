#include "CFolioShim.h"
