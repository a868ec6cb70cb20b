/** Where the SOAP face is served on the toolkit's HTTP server (the WSDL at `?wsdl`). */
export const TOOLKIT_SOAP_PATH = '/toolkit/soap';
export const TOOLKIT_SOAP_NAMESPACE = 'urn:tws:toolkit:1';

/**
 * The address written in the WSDL file; replaced, when the WSDL is served, by the address the
 * client used to fetch it (so clients post back to the host and port they know).
 */
export const WSDL_PLACEHOLDER_LOCATION = 'http://localhost:8001/toolkit/soap';

/**
 * The toolkit's WSDL 1.1 (document/literal, wrapped), written by hand and kept here as a string
 * so it ships inside the compiled library (the build copies no assets from libs). It is the
 * contract integrators generate their clients from: change it only compatibly (add optional
 * elements, new operations); anything else is a new namespace (`urn:tws:toolkit:2`).
 */
export const TOOLKIT_WSDL = `<?xml version="1.0" encoding="UTF-8"?>
<wsdl:definitions name="TwsToolkit"
    targetNamespace="urn:tws:toolkit:1"
    xmlns:tns="urn:tws:toolkit:1"
    xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/"
    xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
    xmlns:xsd="http://www.w3.org/2001/XMLSchema">
  <wsdl:documentation>TWS Toolkit: call control and call logs for integrators. The same use cases as the REST API under /toolkit/v1; errors are SOAP 1.1 Faults whose detail/code is the REST error code. Sign in with Login, then send its accessToken in the AuthToken SOAP header (or the token element) of every other operation: they act for that user.</wsdl:documentation>

  <wsdl:types>
    <xsd:schema targetNamespace="urn:tws:toolkit:1" elementFormDefault="qualified">

      <xsd:element name="AuthToken" type="xsd:string">
        <xsd:annotation><xsd:documentation>SOAP header: the accessToken of Login. The operation acts for its user.</xsd:documentation></xsd:annotation>
      </xsd:element>

      <xsd:element name="Login">
        <xsd:annotation><xsd:documentation>Signs a user in with the methods of its AuthMethods parameter (TWS, LDAP, WindowsSecurity, None). password: not needed by None and WindowsSecurity; application: a code such as toolkit, which the user must be authorized to.</xsd:documentation></xsd:annotation>
        <xsd:complexType>
          <xsd:sequence>
            <xsd:element name="domain" type="xsd:string"/>
            <xsd:element name="username" type="xsd:string" minOccurs="0"/>
            <xsd:element name="password" type="xsd:string" minOccurs="0"/>
            <xsd:element name="application" type="xsd:string" minOccurs="0"/>
          </xsd:sequence>
        </xsd:complexType>
      </xsd:element>
      <xsd:element name="LoginResponse">
        <xsd:complexType>
          <xsd:sequence>
            <xsd:element name="accessToken" type="xsd:string"/>
            <xsd:element name="accessExpiresAt" type="xsd:dateTime"/>
            <xsd:element name="refreshToken" type="xsd:string"/>
            <xsd:element name="refreshExpiresAt" type="xsd:dateTime"/>
            <xsd:element name="method" type="xsd:string"/>
            <xsd:element name="userId" type="xsd:string"/>
            <xsd:element name="username" type="xsd:string"/>
            <xsd:element name="domain" type="xsd:string"/>
          </xsd:sequence>
        </xsd:complexType>
      </xsd:element>

      <xsd:element name="MakeCall">
        <xsd:annotation><xsd:documentation>Makes a call from one of the signed-in user's devices (default: the user's first CSTA device). domain and user are optional and must name the token's user when given.</xsd:documentation></xsd:annotation>
        <xsd:complexType>
          <xsd:sequence>
            <xsd:element name="domain" type="xsd:string" minOccurs="0"/>
            <xsd:element name="user" type="xsd:string" minOccurs="0"/>
            <xsd:element name="destination" type="xsd:string"/>
            <xsd:element name="device" type="xsd:string" minOccurs="0"/>
            <xsd:element name="token" type="xsd:string" minOccurs="0"/>
          </xsd:sequence>
        </xsd:complexType>
      </xsd:element>
      <xsd:element name="MakeCallResponse">
        <xsd:complexType>
          <xsd:sequence>
            <xsd:element name="device" type="xsd:string"/>
            <xsd:element name="destination" type="xsd:string"/>
            <xsd:element name="callRef" type="xsd:string" minOccurs="0"/>
          </xsd:sequence>
        </xsd:complexType>
      </xsd:element>

      <xsd:element name="GetCallLogs">
        <xsd:annotation><xsd:documentation>The signed-in user's completed calls, newest first (limit 1-500, default 50; before: only calls started earlier, for paging). domain and user are optional and must name the token's user when given.</xsd:documentation></xsd:annotation>
        <xsd:complexType>
          <xsd:sequence>
            <xsd:element name="domain" type="xsd:string" minOccurs="0"/>
            <xsd:element name="user" type="xsd:string" minOccurs="0"/>
            <xsd:element name="limit" type="xsd:int" minOccurs="0"/>
            <xsd:element name="before" type="xsd:dateTime" minOccurs="0"/>
            <xsd:element name="token" type="xsd:string" minOccurs="0"/>
          </xsd:sequence>
        </xsd:complexType>
      </xsd:element>
      <xsd:element name="GetCallLogsResponse">
        <xsd:complexType>
          <xsd:sequence>
            <xsd:element name="callLog" type="tns:CallLog" minOccurs="0" maxOccurs="unbounded"/>
          </xsd:sequence>
        </xsd:complexType>
      </xsd:element>

      <xsd:simpleType name="Direction">
        <xsd:restriction base="xsd:string">
          <xsd:enumeration value="incoming"/>
          <xsd:enumeration value="outgoing"/>
        </xsd:restriction>
      </xsd:simpleType>
      <xsd:complexType name="CallLog">
        <xsd:sequence>
          <xsd:element name="id" type="xsd:string"/>
          <xsd:element name="device" type="xsd:string"/>
          <xsd:element name="callRef" type="xsd:string"/>
          <xsd:element name="direction" type="tns:Direction"/>
          <xsd:element name="answered" type="xsd:boolean"/>
          <xsd:element name="missed" type="xsd:boolean"/>
          <xsd:element name="remoteNumber" type="xsd:string" minOccurs="0"/>
          <xsd:element name="remoteName" type="xsd:string" minOccurs="0"/>
          <xsd:element name="remoteCompany" type="xsd:string" minOccurs="0"/>
          <xsd:element name="startedAt" type="xsd:dateTime"/>
          <xsd:element name="answeredAt" type="xsd:dateTime" minOccurs="0"/>
          <xsd:element name="endedAt" type="xsd:dateTime" minOccurs="0"/>
          <xsd:element name="durationS" type="xsd:int"/>
        </xsd:sequence>
      </xsd:complexType>

    </xsd:schema>
  </wsdl:types>

  <wsdl:message name="AuthTokenHeader"><wsdl:part name="AuthToken" element="tns:AuthToken"/></wsdl:message>
  <wsdl:message name="LoginRequest"><wsdl:part name="parameters" element="tns:Login"/></wsdl:message>
  <wsdl:message name="LoginResponse"><wsdl:part name="parameters" element="tns:LoginResponse"/></wsdl:message>
  <wsdl:message name="MakeCallRequest"><wsdl:part name="parameters" element="tns:MakeCall"/></wsdl:message>
  <wsdl:message name="MakeCallResponse"><wsdl:part name="parameters" element="tns:MakeCallResponse"/></wsdl:message>
  <wsdl:message name="GetCallLogsRequest"><wsdl:part name="parameters" element="tns:GetCallLogs"/></wsdl:message>
  <wsdl:message name="GetCallLogsResponse"><wsdl:part name="parameters" element="tns:GetCallLogsResponse"/></wsdl:message>

  <wsdl:portType name="TwsToolkitPortType">
    <wsdl:operation name="Login">
      <wsdl:input message="tns:LoginRequest"/>
      <wsdl:output message="tns:LoginResponse"/>
    </wsdl:operation>
    <wsdl:operation name="MakeCall">
      <wsdl:input message="tns:MakeCallRequest"/>
      <wsdl:output message="tns:MakeCallResponse"/>
    </wsdl:operation>
    <wsdl:operation name="GetCallLogs">
      <wsdl:input message="tns:GetCallLogsRequest"/>
      <wsdl:output message="tns:GetCallLogsResponse"/>
    </wsdl:operation>
  </wsdl:portType>

  <wsdl:binding name="TwsToolkitBinding" type="tns:TwsToolkitPortType">
    <soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="Login">
      <soap:operation soapAction="urn:tws:toolkit:1#Login" style="document"/>
      <wsdl:input><soap:body use="literal"/></wsdl:input>
      <wsdl:output><soap:body use="literal"/></wsdl:output>
    </wsdl:operation>
    <wsdl:operation name="MakeCall">
      <soap:operation soapAction="urn:tws:toolkit:1#MakeCall" style="document"/>
      <wsdl:input><soap:body use="literal"/><soap:header message="tns:AuthTokenHeader" part="AuthToken" use="literal"/></wsdl:input>
      <wsdl:output><soap:body use="literal"/></wsdl:output>
    </wsdl:operation>
    <wsdl:operation name="GetCallLogs">
      <soap:operation soapAction="urn:tws:toolkit:1#GetCallLogs" style="document"/>
      <wsdl:input><soap:body use="literal"/><soap:header message="tns:AuthTokenHeader" part="AuthToken" use="literal"/></wsdl:input>
      <wsdl:output><soap:body use="literal"/></wsdl:output>
    </wsdl:operation>
  </wsdl:binding>

  <wsdl:service name="TwsToolkit">
    <wsdl:port name="TwsToolkitPort" binding="tns:TwsToolkitBinding">
      <soap:address location="${WSDL_PLACEHOLDER_LOCATION}"/>
    </wsdl:port>
  </wsdl:service>
</wsdl:definitions>
`;
