//! Content discovery: walk the content folder and read transcript files.
