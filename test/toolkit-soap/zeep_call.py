#!/usr/bin/python3
"""Calls one operation of the TWS toolkit SOAP service with zeep, a SOAP client we did not write.

usage: zeep_call.py WSDL_URL OPERATION [JSON_ARGS [JSON_SOAP_HEADERS [JSON_HTTP_HEADERS]]]

JSON_SOAP_HEADERS: SOAP Header entries declared by the WSDL, e.g. {"AuthToken": "twsu_..."}.
JSON_HTTP_HEADERS: extra HTTP headers on every request (e.g. what a reverse proxy would add).

Prints one JSON line: {"ok": true, "result": ...} when the operation answered, or
{"ok": false, "fault": {"faultcode", "faultstring", "code"}} for a SOAP Fault (exit 0 both ways).
Anything else (WSDL unreadable, transport error) is a traceback and exit 1.
"""
import datetime
import json
import sys

import zeep
import zeep.exceptions
import zeep.helpers
import zeep.transports


def to_json(value):
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    raise TypeError(f"cannot encode {type(value).__name__}")


def main():
    wsdl_url, operation = sys.argv[1], sys.argv[2]
    args = json.loads(sys.argv[3]) if len(sys.argv) > 3 else {}
    soap_headers = json.loads(sys.argv[4]) if len(sys.argv) > 4 else {}
    http_headers = json.loads(sys.argv[5]) if len(sys.argv) > 5 else {}
    transport = zeep.transports.Transport()
    transport.session.headers.update(http_headers)
    client = zeep.Client(wsdl_url, transport=transport)
    try:
        if soap_headers:
            args["_soapheaders"] = soap_headers
        result = client.service[operation](**args)
        out = {"ok": True, "result": zeep.helpers.serialize_object(result, dict)}
    except zeep.exceptions.Fault as fault:
        code = fault.detail.findtext("code") if fault.detail is not None else None
        out = {"ok": False, "fault": {"faultcode": fault.code, "faultstring": fault.message, "code": code}}
    print(json.dumps(out, default=to_json))


if __name__ == "__main__":
    main()
