# For people who have the Atlas CLI. mycourier itself does not need it: the
# same diff runs through the Atlas Go library in `mycourier migrate diff NAME`
# (make migration NAME=...), and the guards run in `make test`.

env "postgres" {
  src = "ent://ent/schema"
  dev = "docker://postgres/15/dev?search_path=public"
  migration {
    dir    = "file://migrations/postgres"
    format = goose
  }
  format {
    migrate {
      diff = "{{ sql . \"  \" }}"
    }
  }
}

env "sqlite" {
  src = "ent://ent/schema"
  dev = "sqlite://dev?mode=memory&_fk=1"
  migration {
    dir    = "file://migrations/sqlite"
    format = goose
  }
}
