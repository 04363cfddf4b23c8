// The Kotlin half of scripts/bench-boundary.sh: the workload of bench/src/bin/boundary.rs
// through the crm-ffi JAR (uniffi over JNA), printing the same JSON line.
// Usage: java -cp ... BoundaryKt DIR
import java.io.File
import uniffi.crm_ffi.*

fun main(args: Array<String>) {
    val dir = args[0]
    val ids = File("$dir/ids.txt").readLines().filter { it.isNotBlank() }
    val crm = Crm.openBytes(File("$dir/crm.bytes").readBytes())
    val gets = 20_000
    val creates = 5_000
    val pages = 2_000
    val counts = 2_000
    val query = ContactQuery(limit = 50u, sort = Sort(by = SortBy.NAME, descending = false))
    var getNs = 0.0
    var createNs = 0.0
    var pageNs = 0.0
    var countNs = 0.0
    for (round in 0 until 2) {
        var start = System.nanoTime()
        for (i in 0 until gets) crm.getContact(ids[(i * 7) % ids.size])
        getNs = (System.nanoTime() - start).toDouble() / gets
        start = System.nanoTime()
        for (i in 0 until creates) {
            crm.createContact(ContactInput(
                givenName = "Nowy", familyName = "Kontakt $i",
                emails = listOf(Email(address = "new${i + round * creates}@firma.pl")), tags = listOf("new"),
            ))
        }
        createNs = (System.nanoTime() - start).toDouble() / creates
        start = System.nanoTime()
        for (i in 0 until pages) crm.listContacts(query)
        pageNs = (System.nanoTime() - start).toDouble() / pages
        start = System.nanoTime()
        for (i in 0 until counts) crm.countContacts(ContactFilter())
        countNs = (System.nanoTime() - start).toDouble() / counts
    }
    println("{\"runtime\": \"kotlin\", \"get_contact\": ${Math.round(getNs)}, \"create_contact\": ${Math.round(createNs)}, \"page_of_50\": ${Math.round(pageNs)}, \"count\": ${Math.round(countNs)}}")
    crm.close()
}
