"""Regenerates the submission corpus (run from tests/submissions/). The files are committed; this shows how each was made."""
import json, pathlib
B = pathlib.Path("bad"); G = pathlib.Path("good")
H = """@prefix ag:      <https://w3id.org/ai-industry/agent/> .
@prefix ai:      <https://w3id.org/ai-industry/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix deal:    <https://w3id.org/ai-industry/deal/> .
@prefix prov:    <http://www.w3.org/ns/prov#> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema:  <https://schema.org/> .
@prefix src:     <https://w3id.org/ai-industry/source/> .
@prefix unit:    <http://qudt.org/vocab/unit/> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .

# Test fixture: invented facts from an invented source. Not for data/.
src:900_fixture0000000000 a ai:Source ;
    dcterms:identifier "900_fixture0000000000.txt" ;
    dcterms:title "[Test fixture: an invented announcement]"@en ;
    ai:sourceKind ai:Commentary .

"""
# line 18 is the first line after the header
DEAL = """deal:openai-google-compute a ai:ComputeCommitment ;
    rdfs:label "OpenAI compute commitment to Google Cloud" ;
    ai:buyer ag:openai ;
    ai:provider ag:google ;
    ai:amount [ a schema:MonetaryAmount ; schema:maxValue 10000000000.0 ; schema:currency "USD" ; ai:qualifier ai:UpTo ;
                prov:wasDerivedFrom src:900_fixture0000000000 ] ;
    ai:announcedOn "2026-01-15"^^xsd:date ;
    prov:wasDerivedFrom src:900_fixture0000000000 .
"""
def w(path, text, mode="w"):
    p = pathlib.Path(path)
    if isinstance(text, bytes): p.write_bytes(text)
    else: p.write_text(text, encoding="utf-8")

w(G/"compute_commitment.ttl", H + DEAL)
def bad(name, old, new):
    assert old in DEAL, old
    w(B/name, H + DEAL.replace(old, new, 1))
bad("syntax_missing_dot.ttl", "xsd:date ;\n", "xsd:date\n")
bad("syntax_unterminated_string.ttl", '"OpenAI compute commitment to Google Cloud"', '"OpenAI compute commitment to Google Cloud')
w(B/"syntax_unbound_prefix.ttl", H.replace("@prefix deal:    <https://w3id.org/ai-industry/deal/> .\n", "") + DEAL)
bad("syntax_unclosed_bracket.ttl", "src:900_fixture0000000000 ] ;", "src:900_fixture0000000000 ;")
bad("wrong_datatype_decimal.ttl", "10000000000.0", '"1.2.3"^^xsd:decimal')
bad("nan_amount.ttl", "10000000000.0", '"NaN"^^xsd:decimal')
bad("integer_amount.ttl", "10000000000.0", "10000000000")
bad("string_amount.ttl", "10000000000.0", '"ten billion"')
bad("negative_amount.ttl", "10000000000.0", "-10000000000.0")
bad("date_with_time.ttl", '"2026-01-15"^^xsd:date', '"2026-01-15T10:00:00"^^xsd:date')
bad("impossible_date.ttl", '"2026-01-15"^^xsd:date', '"2026-02-30"^^xsd:date')
bad("date_out_of_range.ttl", '"2026-01-15"^^xsd:date', '"1850-01-15"^^xsd:date')
bad("bad_currency.ttl", '"USD"', '"usd"')
bad("self_dealing.ttl", "ai:provider ag:google", "ai:provider ag:openai")
bad("unknown_company.ttl", "ai:provider ag:google", "ai:provider ag:gogle")
bad("unknown_property.ttl", "ai:buyer ag:openai", "ai:buyr ag:openai")
bad("unknown_class.ttl", "a ai:ComputeCommitment", "a ai:ComputeCommitmnt")
bad("missing_source.ttl", "    prov:wasDerivedFrom src:900_fixture0000000000 .\n", "    .\n")
bad("unknown_source.ttl", "    prov:wasDerivedFrom src:900_fixture0000000000 .\n", "    prov:wasDerivedFrom src:901_nowhere .\n")
bad("relative_iri.ttl", "ai:provider ag:google", "ai:provider <google>")
bad("wrong_namespace.ttl", "ai:provider ag:google", "ai:provider <http://w3id.org/ai-industry/agent/google>")
bad("foreign_subject.ttl", "deal:openai-google-compute a", "<http://example.org/deal/1> a")
bad("missing_buyer.ttl", "    ai:buyer ag:openai ;\n", "")
bad("two_providers.ttl", "ai:provider ag:google", "ai:provider ag:google , ag:amazon")
w(B/"source_without_title.ttl", H.replace('    dcterms:title "[Test fixture: an invented announcement]"@en ;\n', "") + DEAL)
w(B/"duplicate_source.ttl", H.replace('"900_fixture0000000000.txt"', '"002_028c8e945d95a55f.txt"') + DEAL)
w(B/"duplicate_deal.ttl", H + """deal:openai-amazon-cloud-deal a ai:ComputeCommitment ;
    rdfs:label "OpenAI cloud deal with AWS" ;
    ai:buyer ag:openai ;
    ai:provider ag:amazon ;
    prov:wasDerivedFrom src:900_fixture0000000000 .
""")
w(B/"duplicate_entity.ttl", H + """ag:nvidia-corporation a ai:ChipMaker ;
    rdfs:label "Nvidia" ;
    prov:wasDerivedFrom src:900_fixture0000000000 .
""")
w(B/"conflicting_figure.ttl", H + """deal:openai-aws-compute ai:amount [ a schema:MonetaryAmount ; schema:value 40000000000.0 ; schema:currency "USD" ;
        ai:qualifier ai:Exact ; prov:wasDerivedFrom src:002_028c8e945d95a55f ] .
""")
w(B/"percentage_over_100.ttl", H + """deal:microsoft-nvidia-stake-fixture a ai:OwnershipStake ;
    rdfs:label "Microsoft stake in NVIDIA (invented)" ;
    ai:holder ag:microsoft ;
    ai:company ag:nvidia ;
    ai:percentage [ a schema:QuantitativeValue ; schema:value 120.0 ; schema:unitCode unit:PERCENT ;
                    prov:wasDerivedFrom src:900_fixture0000000000 ] ;
    prov:wasDerivedFrom src:900_fixture0000000000 .
""")
w(B/"self_investment.ttl", H + """deal:openai-self-investment a ai:Investment ;
    rdfs:label "OpenAI investing in itself (invented)" ;
    ai:investor ag:openai ;
    ai:investee ag:openai ;
    prov:wasDerivedFrom src:900_fixture0000000000 .
""")
w(B/"schema_equivalence.ttl", H + """@prefix owl: <http://www.w3.org/2002/07/owl#> .
ai:Organization owl:equivalentClass ai:Person .
""")
w(B/"schema_deactivate_shape.ttl", H + """@prefix aish: <https://w3id.org/ai-industry/shapes#> .
@prefix sh:   <http://www.w3.org/ns/shacl#> .
aish:Investment sh:deactivated true .
""")
w(B/"schema_new_class.ttl", H + """@prefix owl: <http://www.w3.org/2002/07/owl#> .
deal:MegaDeal a owl:Class ;
    rdfs:subClassOf ai:Deal .
""")
w(B/"schema_same_as.ttl", H + """@prefix owl: <http://www.w3.org/2002/07/owl#> .
ag:openai owl:sameAs ag:microsoft .
""")
w(B/"empty.ttl", "")
w(B/"whitespace_only.ttl", "\n   \n\t\n")
w(B/"binary.ttl", bytes(range(256)) * 8)
w(B/"latin1.ttl", (H + DEAL.replace("Google Cloud", "Google Cloud café")).encode("latin-1"))
w(B/"no_triples.ttl", "# only a comment\n@prefix ai: <https://w3id.org/ai-industry/ontology#> .\n")
w(B/"unknown_extension.txt", H + DEAL)
w(B/"deep_nesting.ttl", H + "deal:x ai:amount " + "[ ai:amount " * 200 + "ai:Exact" + " ]" * 200 + " .\n")
w(B/"deep_nesting.jsonld", '{"@id": "https://w3id.org/ai-industry/deal/x", "https://w3id.org/ai-industry/ontology#amount": ' + "[" * 5000 + "]" * 5000 + "}\n")

CTX = {"ai": "https://w3id.org/ai-industry/ontology#", "ag": "https://w3id.org/ai-industry/agent/",
       "deal": "https://w3id.org/ai-industry/deal/", "src": "https://w3id.org/ai-industry/source/",
       "schema": "https://schema.org/", "prov": "http://www.w3.org/ns/prov#", "dcterms": "http://purl.org/dc/terms/",
       "rdfs": "http://www.w3.org/2000/01/rdf-schema#", "xsd": "http://www.w3.org/2001/XMLSchema#"}
DOC = {"@context": CTX, "@graph": [
    {"@id": "src:900_fixture0000000000", "@type": "ai:Source", "dcterms:identifier": "900_fixture0000000000.txt",
     "dcterms:title": {"@value": "[Test fixture: an invented announcement]", "@language": "en"},
     "ai:sourceKind": {"@id": "ai:Commentary"}},
    {"@id": "deal:openai-google-compute", "@type": "ai:ComputeCommitment",
     "rdfs:label": "OpenAI compute commitment to Google Cloud",
     "ai:buyer": {"@id": "ag:openai"}, "ai:provider": {"@id": "ag:google"},
     "ai:amount": {"@type": "schema:MonetaryAmount", "schema:maxValue": {"@value": "10000000000.0", "@type": "xsd:decimal"},
                   "schema:currency": "USD", "ai:qualifier": {"@id": "ai:UpTo"},
                   "prov:wasDerivedFrom": {"@id": "src:900_fixture0000000000"}},
     "ai:announcedOn": {"@value": "2026-01-15", "@type": "xsd:date"},
     "prov:wasDerivedFrom": {"@id": "src:900_fixture0000000000"}}]}
w(G/"compute_commitment.jsonld", json.dumps(DOC, indent=2) + "\n")
w(B/"syntax_bad.jsonld", json.dumps(DOC, indent=2).replace('"ai:buyer": {', '"ai:buyer" {', 1) + "\n")
remote = dict(DOC, **{"@context": "https://w3id.org/ai-industry/context.jsonld"})
w(B/"remote_context.jsonld", json.dumps(remote, indent=2) + "\n")
w(B/"relative_context.jsonld", json.dumps(dict(DOC, **{"@context": [CTX, "context.jsonld"]}), indent=2) + "\n")
w(B/"context_import.jsonld", json.dumps(dict(DOC, **{"@context": dict(CTX, **{"@import": "https://example.org/ctx.jsonld", "@version": 1.1})}), indent=2) + "\n")

# N-Triples and RDF/XML twins, from the Turtle good file
import rdflib
g = rdflib.Graph().parse(G/"compute_commitment.ttl")
nt = g.serialize(format="nt", encoding="utf-8").decode()
lines = sorted(l for l in nt.splitlines() if l.strip())
w(G/"compute_commitment.nt", "\n".join(lines) + "\n")
w(B/"syntax_bad.nt", "\n".join(lines[:3] + [lines[3].replace(" .", "")] + lines[4:]) + "\n")
xml = g.serialize(format="xml", encoding="utf-8").decode()
w(G/"compute_commitment.rdf", xml)
w(B/"syntax_bad.rdf", xml.replace("</rdf:RDF>", "</rdf:RDFX>"))
w(B/"entity_expansion.rdf", '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n <!ENTITY a "aaaaaaaaaa">\n <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n]>\n' + xml.split("?>", 1)[1].replace("OpenAI compute commitment to Google Cloud", "&b;"))
w(B/"external_entity.rdf", '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n <!ENTITY ext SYSTEM "file:///etc/passwd">\n]>\n' + xml.split("?>", 1)[1].replace("OpenAI compute commitment to Google Cloud", "&ext;"))
# handled correctly: BOM + CRLF, redefined prefix
w(G/"bom_crlf.ttl", b"\xef\xbb\xbf" + (H + DEAL).replace("\n", "\r\n").encode())
w(G/"redefined_prefix.ttl", H + "@prefix ag: <https://example.org/not-ours/> .\n@prefix ag: <https://w3id.org/ai-industry/agent/> .\n" + DEAL)
w(G/"investment_money_loop.ttl", H + """deal:amazon-openai-investment-fixture a ai:Investment ;
    rdfs:label "Amazon investment in OpenAI (invented)" ;
    ai:investor ag:amazon ;
    ai:investee ag:openai ;
    ai:amount [ a schema:MonetaryAmount ; schema:value 1000000000.0 ; schema:currency "USD" ; ai:qualifier ai:Exact ;
                prov:wasDerivedFrom src:900_fixture0000000000 ] ;
    prov:wasDerivedFrom src:900_fixture0000000000 .
""")
