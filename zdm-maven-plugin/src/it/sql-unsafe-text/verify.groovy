def log = new File(basedir, 'build.log').text
assert log.contains('[ERROR] migrations/V2__orders_status.sql:4:1: ZDM001: CREATE INDEX on existing table orders without CONCURRENTLY blocks writes during the build')
assert log.contains('[ERROR] migrations/V2__orders_status.sql:6:5: ZDM007: SET NOT NULL on orders.status scans the table under ACCESS EXCLUSIVE')
assert log.contains('[ERROR] zdm lint: 2 findings (2 errors, 0 warnings) in 2 files (1 suppressed with a reason)')
assert log.contains('BUILD FAILURE')
assert !log.contains('ZDM020')
assert !log.contains('V1__create_orders.sql:')
def text = new File(basedir, 'target/zdm-lint.txt').readLines()
assert text == [
    'migrations/V2__orders_status.sql:4:1: ZDM001: CREATE INDEX on existing table orders without CONCURRENTLY blocks writes during the build',
    'migrations/V2__orders_status.sql:6:5: ZDM007: SET NOT NULL on orders.status scans the table under ACCESS EXCLUSIVE',
    'zdm lint: 2 findings (2 errors, 0 warnings) in 2 files (1 suppressed with a reason)'
]
def sarif = new groovy.json.JsonSlurper().parse(new File(basedir, 'target/zdm-lint.sarif'))
assert sarif.version == '2.1.0'
def results = sarif.runs[0].results
assert results*.ruleId == ['ZDM001', 'ZDM007', 'ZDM020']
assert results[0].suppressions == null
assert results[2].suppressions == [[kind: 'inSource', justification: 'every reader handles NULL since release 41']]
assert results[2].locations[0].physicalLocation.region.startLine == 3
return true
