def log = new File(basedir, 'build.log').text
assert log.contains('[ERROR] src/main/resources/db/changelog/002-users.sql:5:19: ZDM008: ADD UNIQUE on existing table users builds its index under ACCESS EXCLUSIVE; build it concurrently and ADD ... USING INDEX [changeset users-email-unique::dana]')
assert log.contains('[ERROR] src/main/resources/db/changelog/002-users.sql:8:19: ZDM016: RENAME COLUMN users.email to email_address breaks code that still uses the old name [changeset users-email-rename::dana]')
assert log.contains('[INFO]     safe: Use zdm\'s addUniqueConstraint operation')
assert log.contains('zdm lint: 2 findings (2 errors, 0 warnings) in 1 file')
def sarif = new groovy.json.JsonSlurper().parse(new File(basedir, 'target/reports/zdm.sarif'))
assert sarif.version == '2.1.0'
def run = sarif.runs[0]
assert run.tool.driver.name == 'zdm-lint'
def results = run.results
assert results*.ruleId == ['ZDM008', 'ZDM016']
assert results*.level == ['error', 'error']
def first = results[0]
assert run.tool.driver.rules[first.ruleIndex].id == 'ZDM008'
assert first.locations[0].physicalLocation.artifactLocation.uri == 'src/main/resources/db/changelog/002-users.sql'
assert first.locations[0].physicalLocation.region.startLine == 5
assert first.locations[0].physicalLocation.region.startColumn == 19
assert first.properties.changeSet == 'users-email-unique::dana'
assert first.properties.lock == 'ACCESS EXCLUSIVE on table users'
assert run.tool.driver.rules.find { it.id == 'ZDM008' }.helpUri == 'https://docs.example.org/zdm/lint-rules.md#zdm008'
assert first.properties.docs == 'docs/lint-rules.md#zdm008'
return true
