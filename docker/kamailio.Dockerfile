# Kamailio 5.6 from Debian 12 with the lab's configuration (lab/kamailio.cfg.tmpl).
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends \
        kamailio kamailio-mysql-modules kamailio-postgres-modules kamailio-sqlite-modules \
        kamailio-presence-modules mariadb-client curl ca-certificates tzdata \
    && rm -rf /var/lib/apt/lists/*
COPY lab/ /opt/kamscope/lab/
COPY docker/kamailio-entrypoint.sh /usr/local/bin/kamailio-entrypoint.sh
ENTRYPOINT ["/usr/local/bin/kamailio-entrypoint.sh"]
