echo 1..0; exit 77
