#pragma once
#include <mutex>

namespace impostor::core {

// libxml2 2.9 cannot be shared between threads here: libarchive's xar reader calls
// xmlCleanupParser() after every TOC it parses, which frees libxml2's globals (encoding
// handlers, dictionary mutex, the per-thread state key) under whichever other thread is
// parsing at that moment: a crash, seen in a test that walks and checks packages on six
// threads. Every use of libxml2 in the process holds this lock: libarchive's reading of a
// xar header (unpack) and the xar signature check (sign). Nothing else links libxml2's
// parser (libgsf links it, but its OLE reader does not parse XML).
std::mutex& libxml2_lock();

}  // namespace impostor::core
