// Under mvn -q only errors are printed: the finding that fails the build (a warning here) must still show,
// in the log and in the build-failure message.
def log = new File(basedir, 'build.log').text
assert log.contains('[ERROR] migrations/V1__events.sql:1:45: ZDM029: Column payload is json; use jsonb')
assert log.contains('zdm lint: 1 finding (0 errors, 1 warning) in 1 file:')
assert log.contains('  migrations/V1__events.sql:1:45: ZDM029: Column payload is json; use jsonb')
assert !log.contains('[INFO]')
return true
