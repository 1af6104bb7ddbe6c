/*
 * Mining pools and wallets: stratum URIs, well-known pool hosts and Monero
 * addresses, each only together with a second mining indicator.
 */

rule miner_stratum_pool_uri
{
    meta:
        severity = "high"
        family = "miner"
        description = "A stratum URI or a well-known mining pool host with a port, together with a miner setting such as a wallet user, an algorithm or a donate level."
        reference = "https://www.trendmicro.com/en_us/research/20/d/zoomed-in-a-look-into-a-coinminer-bundled-with-zoom-installer.html"
        fixture = "miner/pool-connect.sh"

    strings:
        $uri = /stratum[12]?\+(tcp|ssl|tls|ws|wss):\/\/[A-Za-z0-9._\-]{3,120}:[0-9]{2,5}/ nocase
        $pool = /(supportxmr|moneroocean|nanopool|2miners|f2pool|minexmr|hashvault|c3pool|herominers|xmrpool|nicehash|unmineable|ethermine|monerohash|xmrfast|skypool)\.[A-Za-z.]{2,24}:[0-9]{2,5}/ nocase

        $s_user_cli = /\s(-u|--user|-O|--userpass|-ewal|-wal|--wallet)[ =]["']?[A-Za-z0-9]{26,}/
        $s_user_json = /"(user|wallet|login)"\s{0,8}:\s{0,8}"[A-Za-z0-9]{26,}/
        $s_pass_x = /(\s-p\s+x\s|"pass"\s{0,8}:\s{0,8}"x")/
        $s_donate = "donate-level" nocase ascii wide
        $s_algo = /(-a|--algo|"algo"\s{0,8}:)\s{0,8}["']?(rx\/0|cn\/r|kawpow|ethash|etchash|autolykos2|randomx|ghostrider|cryptonight)/ nocase
        $s_coin = /(--coin|"coin"\s{0,8}:)[ ="]{1,4}(monero|xmr)\b/ nocase
        $s_threads = /--(threads|cpu-max-threads-hint|max-cpu-usage)[ =][0-9]{1,3}/ nocase

    condition:
        ($uri or $pool) and 1 of ($s_*)
}

rule miner_monero_wallet_with_pool
{
    meta:
        severity = "critical"
        family = "miner"
        description = "A Monero address (95 or 106 base58 characters starting with 4 or 8) given as a user, wallet or login value, in the same file as a stratum URI, a mining pool host or a miner setting."
        reference = "https://attack.mitre.org/techniques/T1496/"
        fixture = "miner/wallet-pool.cfg"

    strings:
        $w_kv = /(user|wallet|login|address|username|wal)["']?\s{0,4}[:=]\s{0,4}["']?[48][0-9AB][1-9A-HJ-NP-Za-km-z]{93}([1-9A-HJ-NP-Za-km-z]{11})?\b/ nocase
        $w_cli = /\s(-u|-O|--user|--wallet|-wal|-ewal|--address)\s{1,4}["']?[48][0-9AB][1-9A-HJ-NP-Za-km-z]{93}([1-9A-HJ-NP-Za-km-z]{11})?\b/
        $w_uri = /stratum[12]?\+(tcp|ssl|tls):\/\/[48][0-9AB][1-9A-HJ-NP-Za-km-z]{93}([1-9A-HJ-NP-Za-km-z]{11})?[.:@]/ nocase

        $c_uri = /stratum[12]?\+(tcp|ssl|tls|ws|wss):\/\// nocase
        $c_pool = /(supportxmr|moneroocean|nanopool|2miners|f2pool|minexmr|hashvault|c3pool|herominers|xmrpool|nicehash|unmineable|monerohash|xmrfast|skypool)\./ nocase
        $c_donate = "donate-level" nocase ascii wide
        $c_xmrig = "xmrig" nocase fullword ascii wide
        $c_algo = /(rx\/0|cn\/r|randomx)/ nocase fullword
        $c_pools = /"pools"\s{0,8}:\s{0,8}\[/

    condition:
        1 of ($w_*) and 1 of ($c_*)
}
