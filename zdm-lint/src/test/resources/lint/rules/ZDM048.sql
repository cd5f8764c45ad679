-- The cases of rule ZDM048: each is linted as one migration and must produce exactly the listed rule ids (ZDM048
-- first among them), then its near misses, which must produce nothing. Header lines: README.md beside this file.

-- case: custom-change-whose-class-is-not-on-the-classpath
-- expect: ZDM048
<databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="http://www.liquibase.org/xml/ns/dbchangelog http://www.liquibase.org/xml/ns/dbchangelog/dbchangelog-4.9.xsd">
    <changeSet author="ann" id="move-secrets">
        <customChange class="com.example.migration.MoveSecrets"/>
    </changeSet>
</databaseChangeLog>

-- ===================================================================== near misses: must produce nothing

-- case: custom-change-for-another-database
-- expect: none
<databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="http://www.liquibase.org/xml/ns/dbchangelog http://www.liquibase.org/xml/ns/dbchangelog/dbchangelog-4.9.xsd">
    <changeSet author="ann" id="move-secrets-mssql" dbms="mssql">
        <customChange class="com.example.migration.MoveSecrets"/>
    </changeSet>
</databaseChangeLog>
