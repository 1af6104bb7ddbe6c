/*
 * Coin miners bundled into installers: XMRig and forks, GPU miners.
 *
 * Every rule needs two or more independent indicators, so that documentation,
 * man pages and ordinary packages never match. Meta keys are read by
 * tools/check-signatures: severity, family, description, reference, fixture
 * (a path relative to tests/fixtures/payloads that the rule must match).
 *
 * Conventions for every file in signatures/: plain strings and conditions only,
 * no modules; text strings may be "ascii wide", regular expressions stay ascii
 * (ClamAV refuses "wide" on them, and ignores "nocase" on them, so regexes spell
 * the usual capitalisations out where it matters); bounded repeats only.
 */

rule miner_xmrig_config
{
    meta:
        severity = "critical"
        family = "miner"
        description = "XMRig-style miner configuration: a donate-level key and a pools list together with CPU, RandomX or pool credential keys."
        reference = "https://xmrig.com/docs/miner/config"
        fixture = "miner/xmrig-config.json"

    strings:
        $donate1 = "\"donate-level\"" ascii wide
        $donate2 = "\"donate-over-proxy\"" ascii wide
        $pools = /"pools"\s{0,8}:\s{0,8}\[/
        $k_randomx = "\"randomx\"" ascii wide
        $k_cpu = /"cpu"\s{0,8}:\s{0,8}\{/
        $k_url = /"url"\s{0,8}:\s{0,8}"[^"\r\n]{3,200}:[0-9]{2,5}"/
        $k_user = /"user"\s{0,8}:\s{0,8}"[^"\r\n]{8,}"/
        $k_pass = /"pass"\s{0,8}:\s{0,8}"/
        $k_rig = "\"rig-id\"" ascii wide
        $k_nicehash = "\"nicehash\"" ascii wide
        $k_keepalive = "\"keepalive\"" ascii wide
        $k_hugepages = "\"huge-pages\"" ascii wide
        $k_threads = "\"max-threads-hint\"" ascii wide
        $k_algo = /"algo"\s{0,8}:\s{0,8}"(rx\/|cn\/|cn-|argon2|kawpow|ghostrider|astrobwt|panthera)/

    condition:
        1 of ($donate*) and $pools and 3 of ($k_*)
}

rule miner_cli_arguments
{
    meta:
        severity = "high"
        family = "miner"
        description = "A coin miner program name together with two or more miner-specific command-line options, as in a launcher script, a service definition or the miner's own help text."
        reference = "https://attack.mitre.org/techniques/T1496/"
        fixture = "miner/run-miner.bat"

    strings:
        $n_xmrig = "xmrig" nocase fullword ascii wide
        $n_xmrstak = "xmr-stak" nocase fullword ascii wide
        $n_nbminer = "nbminer" nocase fullword ascii wide
        $n_trex = /\bt-?rex(\.exe)?\s{1,4}-(a|o|u|-algo|-url)\s/ nocase
        $n_phoenix = "phoenixminer" nocase fullword ascii wide
        $n_lolminer = "lolminer" nocase fullword ascii wide
        $n_teamred = "teamredminer" nocase fullword ascii wide
        $n_srb = "srbminer-multi" nocase fullword ascii wide
        $n_gminer = "gminer" nocase fullword ascii wide
        $n_ccminer = "ccminer" nocase fullword ascii wide
        $n_cpuminer = "cpuminer" nocase fullword ascii wide

        $f_donate = "--donate-level" nocase ascii wide
        $f_hint = "--cpu-max-threads-hint" nocase ascii wide
        $f_maxcpu = "--max-cpu-usage" nocase ascii wide
        $f_randomx = /--randomx-(mode|1gb-pages|no-numa|wrmsr)/ nocase
        $f_nicehash = "--nicehash" nocase ascii wide
        $f_rigid = "--rig-id" nocase ascii wide
        $f_epool = /\s-epool\s/ nocase
        $f_ewal = /\s-ewal\s/ nocase
        $f_algo = /\s(-a|--algo|--algorithm)[ =](rx\/0|cn\/r|cn\/0|kawpow|ethash|etchash|autolykos2|octopus|cryptonight|randomx|ghostrider)/ nocase
        $f_coin = /\s--coin[ =](monero|xmr|eth|etc|rvn|erg|zeph)\b/ nocase
        $f_url = /\s(-o|--url|--pool|-P)[ =]["']?stratum[12]?\+(tcp|ssl|tls):\/\// nocase

    condition:
        1 of ($n_*) and 2 of ($f_*)
}

rule miner_stealth_watchdog
{
    meta:
        severity = "high"
        family = "miner"
        description = "A miner launcher that watches for task managers or process monitors and stops or hides the miner while they run."
        reference = "https://attack.mitre.org/techniques/T1564/"
        fixture = "miner/watchdog.ps1"

    strings:
        $n_xmrig = "xmrig" nocase fullword ascii wide
        $n_xmrstak = "xmr-stak" nocase fullword ascii wide
        $n_nbminer = "nbminer" nocase fullword ascii wide
        $n_phoenix = "phoenixminer" nocase fullword ascii wide
        $n_lolminer = "lolminer" nocase fullword ascii wide
        $n_stratum = /stratum[12]?\+(tcp|ssl|tls):\/\// nocase

        $mon1 = "taskmgr" nocase fullword ascii wide
        $mon2 = "procexp" nocase ascii wide
        $mon3 = "ProcessHacker" nocase ascii wide
        $mon4 = "perfmon" nocase fullword ascii wide
        $mon5 = "resmon" nocase fullword ascii wide
        $mon6 = "procmon" nocase ascii wide
        $mon7 = "SystemInformer" nocase ascii wide

        $act1 = "taskkill" nocase ascii wide
        $act2 = "Stop-Process" nocase ascii wide
        $act3 = "Suspend-Process" nocase ascii wide
        $act4 = /\bpkill\s/
        $act5 = /\bkill\s+-(9|STOP|SIGSTOP)\b/
        $act6 = "tasklist" nocase ascii wide
        $act7 = "Get-Process" nocase ascii wide

    condition:
        1 of ($n_*) and 2 of ($mon*) and 1 of ($act*)
}
