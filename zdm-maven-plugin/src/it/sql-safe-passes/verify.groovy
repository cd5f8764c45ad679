def log = new File(basedir, 'build.log').text
assert log.contains('[INFO] zdm lint: no findings in 2 files')
assert log.contains('BUILD SUCCESS')
assert !log.contains('ZDM0')
def sarif = new groovy.json.JsonSlurper().parse(new File(basedir, 'target/zdm-lint.sarif'))
assert sarif.version == '2.1.0'
assert sarif.runs[0].results.isEmpty()
assert sarif.runs[0].tool.driver.rules.size() >= 30
return true
