"""The PDF documents of SPEC section 6: invoice, vendor scorecard, vendor comparison, finance summary.

`views` holds the data each document prints (filled by the billing services, or by `build` from
domain results); `render` turns a view into HTML with the Jinja2 templates of `reports/` (charts
from `charts`, numbers through `formatting`) and into a PDF with WeasyPrint; `pool` renders many
PDFs on every core; `samples` builds realistic views for tests and the benchmark.
"""
