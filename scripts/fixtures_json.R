# Minimal JSON writer for the fixture scripts (no jsonlite dependency): a named list
# becomes an object, every vector an array (scalars are 1-element arrays), numbers in
# %.17g, NA as null, +Inf as 1e999. Source it, then set `out` to the output folder.
num <- function(v) {
  s <- ifelse(is.na(v), "null", sprintf("%.17g", v))
  s[is.infinite(v) & v > 0] <- "1e999"
  s
}
json <- function(x, indent = "") {
  inner <- paste0(indent, "  ")
  if (is.list(x)) {
    keys <- names(x)
    body <- vapply(seq_along(x), function(i)
      paste0(inner, '"', keys[i], '": ', json(x[[i]], inner)), "")
    return(paste0("{\n", paste(body, collapse = ",\n"), "\n", indent, "}"))
  }
  if (is.character(x)) return(paste0("[", paste0('"', x, '"', collapse = ", "), "]"))
  if (is.logical(x)) return(paste0("[", paste(ifelse(x, "true", "false"), collapse = ", "), "]"))
  paste0("[", paste(num(x), collapse = ", "), "]")
}
write_json <- function(x, file) writeLines(json(x), file.path(out, file))
write_data <- function(df, file) {
  write.csv(df, file.path(out, file), row.names = FALSE, quote = FALSE)
}
