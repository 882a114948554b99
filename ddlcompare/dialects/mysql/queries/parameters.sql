-- Routine parameters (ORDINAL_POSITION 0 is a function's return type). IS_DEFAULT tells whether the
-- collation is its character set's default, i.e. whether `CHARSET x` alone would have given it.
SELECT p.SPECIFIC_NAME, p.ROUTINE_TYPE, p.ORDINAL_POSITION, p.PARAMETER_MODE, p.PARAMETER_NAME,
       p.DTD_IDENTIFIER, p.CHARACTER_SET_NAME, p.COLLATION_NAME, c.IS_DEFAULT AS COLLATION_IS_DEFAULT
FROM information_schema.PARAMETERS p
LEFT JOIN information_schema.COLLATIONS c ON c.COLLATION_NAME = p.COLLATION_NAME
WHERE p.SPECIFIC_SCHEMA = %(db)s
ORDER BY p.ROUTINE_TYPE, p.SPECIFIC_NAME, p.ORDINAL_POSITION
