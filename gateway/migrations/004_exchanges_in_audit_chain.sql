-- Exchanges are now `gateway.exchange` events of the platform's audit chain
-- (audit.events, lib/audit/; gateway/exchange-events.ts). The old table goes, without
-- carrying its rows over: chain hashes are computed by the application (JCS + SHA-256),
-- which SQL cannot reproduce, and no deployment holds exchange rows yet.
DROP TABLE gateway.exchange_log;
DROP FUNCTION gateway.ensure_exchange_log_partitions(integer);
DROP FUNCTION gateway.refuse_exchange_log_change();
