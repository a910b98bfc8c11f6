"""Exports: what organizers take home after a competition — XLSX, CSV, a tamper-evident JSON
archive, PDF result sheets and certificates, and the judges' consistency report.

Every export is a function of one ``ExportData`` (``scoreboard.exports.data``: the competition,
its standings by event, every sheet revision and the audit log, all plain domain objects) and
writes to a file path or a binary stream::

    from scoreboard.exports.source import load_export_data
    from scoreboard.exports.xlsx import export_xlsx

    with session(engine) as s:
        data = load_export_data(s, "cooking-2023")          # the only function that reads the store
    export_xlsx(data, out, progress=None, locale="zh_CN")   # out: Path | BinaryIO

The writers — ``xlsx.export_xlsx``, ``csv.export_csv``, ``archive.export_archive``,
``pdf.export_results``, ``pdf.export_certificates``, ``consistency.export_consistency`` — all
take ``(data, out, progress=None, locale="zh_CN")``; ``progress(done, total)`` is called as work
advances (``total`` stays the same for one export). ``data.only(event_key)`` narrows the data to
one event. None of them touches the database or the web.
"""
