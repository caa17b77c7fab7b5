// The fast EC2 reader on hand-written answers: the XML edge cases it must read exactly as the SDK does
// (entities, empty and missing elements, whitespace, declarations, unknown subtrees, odd scalars), the
// ones it must hand to the SDK instead (and then agree with it, whatever the SDK makes of them), and
// error answers, which always go to the SDK's error deserializer. Plus: the projection's element names
// and kinds are the SDK schema's own.
import { describe, expect, it } from 'vitest';
import * as ec2 from '@aws-sdk/client-ec2';
import { NormalizedSchema } from '@smithy/core/schema';
import { OUTPUTS } from '../../src/aws/ec2-reader/projection.js';
import type { Shape } from '../../src/aws/ec2-reader/projection.js';
import { readEc2Response } from '../../src/aws/ec2-reader/reader.js';
import { compareBothWays } from './ec2-reader-harness.js';

const NS = 'http://ec2.amazonaws.com/doc/2016-11-15/';
const HEADERS = { 'content-type': 'text/xml;charset=UTF-8', 'x-amzn-requestid': 'req-1' };
const ok = (body: string) => ({ status: 200, headers: HEADERS, body });

const instancesAnswer = (inner: string, prolog = '<?xml version="1.0" encoding="UTF-8"?>\n') =>
  `${prolog}<DescribeInstancesResponse xmlns="${NS}"><requestId>req-1</requestId>${inner}</DescribeInstancesResponse>`;
const reservation = (instances: string, id = 'r-0123456789abcdef0') =>
  `<item><reservationId>${id}</reservationId><ownerId>123456789012</ownerId><groupSet/>` +
  `<instancesSet>${instances}</instancesSet></item>`;
const oneInstance = (fields: string) =>
  instancesAnswer(
    `<reservationSet>${reservation(`<item><instanceId>i-0abc</instanceId>${fields}</item>`)}</reservationSet>`,
  );

const DEEP_OPEN = Array.from({ length: 40 }, (_, k) => `<n${k}>`).join('');
const DEEP_CLOSE = Array.from({ length: 40 }, (_, k) => `</n${39 - k} >`).join('');

/** Read on the fast path, equal to the SDK. */
const FAST: Record<string, string> = {
  'every field of the projection, with an XML declaration': oneInstance(
    '<imageId>ami-1</imageId><instanceState><code>16</code><name>running</name></instanceState>' +
      '<privateDnsName>ip-10-0-0-1.ec2.internal</privateDnsName><dnsName>ec2-3-4-5-6.compute.amazonaws.com</dnsName>' +
      '<reason>User initiated (2024-01-02 03:04:05 GMT)</reason><keyName>deploy</keyName><amiLaunchIndex>2</amiLaunchIndex>' +
      '<instanceType>m5.large</instanceType><launchTime>2024-02-29T23:59:59.000Z</launchTime>' +
      '<placement><availabilityZone>us-east-1a</availabilityZone><groupName/><tenancy>dedicated</tenancy></placement>' +
      '<platform>windows</platform><subnetId>subnet-1</subnetId><vpcId>vpc-1</vpcId>' +
      '<privateIpAddress>10.0.0.1</privateIpAddress><ipAddress>3.4.5.6</ipAddress>' +
      '<groupSet><item><groupId>sg-1</groupId><groupName>web</groupName></item><item><groupId>sg-2</groupId></item></groupSet>' +
      '<architecture>arm64</architecture><rootDeviceType>ebs</rootDeviceType><rootDeviceName>/dev/xvda</rootDeviceName>' +
      '<instanceLifecycle>spot</instanceLifecycle><spotInstanceRequestId>sir-1</spotInstanceRequestId>' +
      '<virtualizationType>hvm</virtualizationType><hypervisor>nitro</hypervisor>' +
      '<iamInstanceProfile><arn>arn:aws:iam::123456789012:instance-profile/x</arn><id>AIPA1</id></iamInstanceProfile>' +
      '<ebsOptimized>true</ebsOptimized><platformDetails>Windows</platformDetails>' +
      '<tagSet><item><key>Name</key><value>web-1</value></item></tagSet>',
  ),
  'the five named entities and numeric references (decimal, hex) in tags': oneInstance(
    '<tagSet><item><key>a&amp;b &lt;c&gt;</key><value>&quot;q&quot; &apos;s&apos; &#65;&#x263A;&#233;&#x3c;</value></item></tagSet>',
  ),
  'raw unicode, including characters outside the BMP': oneInstance(
    '<tagSet><item><key>Name</key><value>café 日本 😀 ∑</value></item></tagSet>',
  ),
  'empty elements of every kind': oneInstance(
    '<keyName/><reason></reason><amiLaunchIndex/><ebsOptimized/><instanceState/><placement></placement>' +
      '<tagSet/><groupSet></groupSet><iamInstanceProfile/>',
  ),
  'empty list items and empty tag values': oneInstance(
    '<tagSet><item/><item><key>k</key><value/></item><item><key>only-key</key></item></tagSet>',
  ),
  'only the instance id (every other field missing)': oneInstance(''),
  'whitespace in values: kept without a line break, empty with one, surrounding spaces kept': oneInstance(
    '<keyName>   </keyName><reason> \n  </reason><tagSet><item><key> spaced </key><value>\t</value></item></tagSet>',
  ),
  'pretty-printed with CRLF line breaks and indentation': instancesAnswer(
    '\r\n  <reservationSet>\r\n    <item>\r\n      <reservationId>r-1</reservationId>\r\n      <instancesSet>\r\n' +
      '        <item>\r\n          <instanceId>i-1</instanceId>\r\n          <reason>line one\r\nline two</reason>\r\n' +
      '        </item>\r\n      </instancesSet>\r\n    </item>\r\n  </reservationSet>\r\n',
  ),
  'several reservations and a NextToken': instancesAnswer(
    `<reservationSet>${reservation('<item><instanceId>i-1</instanceId></item><item><instanceId>i-2</instanceId></item>', 'r-1')}` +
      `${reservation('<item><instanceId>i-3</instanceId></item>', 'r-2')}</reservationSet><nextToken>tok/+=&amp;1</nextToken>`,
  ),
  'an empty page: empty reservationSet, empty nextToken': instancesAnswer('<reservationSet/><nextToken/>'),
  'no reservationSet at all, no declaration': instancesAnswer('', ''),
  'a self-closing root': `<DescribeInstancesResponse xmlns="${NS}"/>`,
  'extra namespace declarations on the root, whitespace in tags': `<DescribeInstancesResponse xmlns="${NS}" xmlns:xsi='http://www.w3.org/2001/XMLSchema-instance' ><reservationSet ><item><reservationId>r-1</reservationId ><instancesSet><item><instanceId >i-1</instanceId></item></instancesSet></item></reservationSet></DescribeInstancesResponse >`,
  'unknown subtrees, with known element names and <item> nested inside them': oneInstance(
    '<networkInterfaceSet><item><instanceId>i-other</instanceId><groupSet><item><groupId>sg-x</groupId></item></groupSet>' +
      '<attachment><status>attached</status><item/></attachment><tagSet><item><key>no</key></item></tagSet></item></networkInterfaceSet>' +
      '<blockDeviceMapping/><newFieldFromTheFuture><deep><deeper>text &amp; &unknown; & stuff</deeper></deep></newFieldFromTheFuture>' +
      '<vpcId>vpc-after</vpcId>',
  ),
  'odd scalars: booleans, numbers and fractions of seconds as the SDK reads them': oneInstance(
    '<ebsOptimized>TRUE</ebsOptimized><amiLaunchIndex> 7 </amiLaunchIndex>' +
      '<instanceState><code>abc</code><name>pending</name></instanceState><launchTime>2024-01-01T00:00:00.5Z</launchTime>',
  ),
  'a launch time without fraction, and one with nine fraction digits': instancesAnswer(
    `<reservationSet>${reservation('<item><instanceId>i-1</instanceId><launchTime>1999-12-31T23:59:59Z</launchTime></item>' + '<item><instanceId>i-2</instanceId><launchTime>2020-06-15T12:30:45.123456789Z</launchTime></item>')}</reservationSet>`,
  ),
  // Element names are matched by length and character codes, never as strings: these must not be
  // taken for the member they resemble (each would add VpcId, KeyName, … and differ from the SDK).
  'element names sharing a prefix with a member, or one character off, are skipped': oneInstance(
    '<vpcIdX>no</vpcIdX><vpcI>no</vpcI><vpcIe>no</vpcIe><vpcid>no</vpcid><VpcId>no</VpcId><keyNam/>' +
      '<keyNameX/><subnetId>subnet-1</subnetId><iamInstanceProfileX><arn>no</arn></iamInstanceProfileX>' +
      '<tagSetX><item><key>no</key></item></tagSetX>',
  ),
  'an unknown element nested deeper than 32 levels, end tags with spaces': oneInstance(
    `${DEEP_OPEN}<item/>text${DEEP_CLOSE}<keyName>after-deep</keyName>`,
  ),
  'members present in one instance and absent from the next (no value carried over)': instancesAnswer(
    `<reservationSet>${reservation(
      '<item><instanceId>i-1</instanceId><keyName>k1</keyName><instanceState><code>16</code><name>running</name></instanceState>' +
        '<tagSet><item><key>a</key><value>1</value></item></tagSet><ebsOptimized>true</ebsOptimized></item>' +
        '<item><instanceId>i-2</instanceId><instanceState><name>stopped</name></instanceState><tagSet><item><key>b</key></item></tagSet></item>' +
        '<item><ebsOptimized>false</ebsOptimized><instanceId>i-3</instanceId><keyName>k3</keyName></item>',
    )}</reservationSet>`,
  ),
  'entities and carriage returns in skipped elements and values, before and after plain values': oneInstance(
    '<clientToken>a&amp;b\r\nc</clientToken><keyName>plain</keyName><reason>x &amp; y</reason><platform>p</platform>' +
      '<tagSet><item><key>k</key><value>line\r\nnext</value></item><item><key>k2</key><value>plain2</value></item></tagSet>' +
      '<architecture>x86_64</architecture>',
  ),
  'a character whose low byte is `<` (U+013C), and others beyond ASCII, in values': oneInstance(
    '<keyName>\u013c\u013e</keyName><tagSet><item><key>\u0100\u3c3c</key><value>\u{1F600}</value></item></tagSet><vpcId>vpc-1</vpcId>',
  ),
  'launch times with 1, 2 and 4 fraction digits, and a year below 100': instancesAnswer(
    `<reservationSet>${reservation(
      '<item><instanceId>i-1</instanceId><launchTime>2024-01-01T00:00:00.5Z</launchTime></item>' +
        '<item><instanceId>i-2</instanceId><launchTime>2024-01-01T00:00:00.05Z</launchTime></item>' +
        '<item><instanceId>i-3</instanceId><launchTime>2024-01-01T00:00:00.9995Z</launchTime></item>' +
        '<item><instanceId>i-4</instanceId><launchTime>0099-03-01T10:20:30.000Z</launchTime></item>',
    )}</reservationSet>`,
  ),
  'text that trim() empties and that holds a line break (any JavaScript whitespace) reads as empty':
    oneInstance(
      '<keyName>\u00a0\n</keyName><reason>&#160;&#10;</reason><platform>\u3000\n</platform>' +
        '<hypervisor>\ufeff\n</hypervisor><architecture>\v\n</architecture>' +
        '<tagSet><item><key>k</key><value>\f\n</value></item><item><key>nbsp</key><value>\u00a0x</value></item></tagSet>',
    ),
};

/** Handed to the SDK (path sdk-not-understood); the outcome must still equal the SDK's. */
const TO_THE_SDK: Record<string, string> = {
  'a comment': oneInstance('<!-- note --><keyName>k</keyName>'),
  'CDATA in a value': oneInstance('<keyName><![CDATA[a<b]]></keyName>'),
  'an attribute below the root': oneInstance('<keyName lang="en">k</keyName>'),
  'text in a structure': oneInstance('stray<keyName>k</keyName>'),
  'spaces without a line break between elements (the SDK reads the item as its text)':
    oneInstance(' <keyName>k</keyName>'),
  'a field twice in one structure': oneInstance('<keyName>a</keyName><keyName>b</keyName>'),
  'a structure twice': oneInstance('<placement><tenancy>a</tenancy></placement><placement/>'),
  'an unknown named entity in a value': oneInstance('<keyName>a&nbsp;b</keyName>'),
  'a bare ampersand in a value': oneInstance('<keyName>AT&T</keyName>'),
  'a character reference beyond U+FFFF': oneInstance('<keyName>&#x1F600;</keyName>'),
  'a timestamp with an offset': oneInstance('<launchTime>2024-01-01T01:00:00+01:00</launchTime>'),
  'an impossible date': oneInstance('<launchTime>2023-02-29T00:00:00Z</launchTime>'),
  'a leap second': oneInstance('<launchTime>2016-12-31T23:59:60Z</launchTime>'),
  'an empty timestamp': oneInstance('<launchTime/>'),
  'a structure where text belongs': oneInstance('<keyName><x>1</x></keyName>'),
  'text where a structure belongs': oneInstance('<placement>us-east-1a</placement>'),
  'a list child other than item': oneInstance('<tagSet><member><key>k</key></member></tagSet>'),
  'another root element': `<Response><reservationSet/></Response>`,
  'mismatched tags': oneInstance('<keyName>k</keyname>'),
  'a truncated document': oneInstance('<keyName>k</keyName>').slice(0, -40),
  'a DOCTYPE': `<!DOCTYPE x>${instancesAnswer('', '')}`,
  'an empty body': '',
  'an end tag one character off, inside a skipped element': oneInstance(
    '<monitoring><state>x</statf></monitoring>',
  ),
  'an end tag longer than its start tag, inside a skipped element': oneInstance(
    '<monitoring><state>x</stateX></monitoring>',
  ),
  'a skipped element closed by its parent’s end tag': oneInstance('<monitoring><state>x</monitoring>'),
  'a mismatched end tag deeper than 32 levels in a skipped element': oneInstance(
    `${DEEP_OPEN}${DEEP_CLOSE.replace('</n35 >', '</n53 >')}`,
  ),
  'the end tag of a member one character off': oneInstance('<vpcId>v</vpcIe>'),
  'the end tag of a member with a longer name': oneInstance('<vpcId>v</vpcIdX>'),
  'the end tag of a structure one character off': oneInstance('<placement><tenancy>a</tenancy></placemenT>'),
  'a list child named items': oneInstance('<tagSet><items/></tagSet>'),
  'a list child named itemX': oneInstance('<tagSet><itemX><key>k</key></itemX></tagSet>'),
  'a list child named ite': oneInstance('<tagSet><ite><key>k</key></ite></tagSet>'),
  'a field twice, with an unknown element between': oneInstance('<vpcId>a</vpcId><foo/><vpcId>b</vpcId>'),
  'an element name beyond ASCII': oneInstance('<caf\u00e9>x</caf\u00e9><keyName>k</keyName>'),
  'a timestamp with a dot and no fraction digits': oneInstance(
    '<launchTime>2024-01-01T00:00:00.Z</launchTime>',
  ),
  'a timestamp with ten fraction digits': oneInstance(
    '<launchTime>2024-01-01T00:00:00.1234567891Z</launchTime>',
  ),
  'a timestamp with a lower-case t': oneInstance('<launchTime>2024-01-01t00:00:00Z</launchTime>'),
  'a timestamp with a digit beyond ASCII': oneInstance('<launchTime>2024-01-01T00:00:0\u0662Z</launchTime>'),
};

describe('fast EC2 reader on hand-written answers', () => {
  for (const [name, body] of Object.entries(FAST))
    it(`reads on its fast path, as the SDK: ${name}`, async () => {
      const { path } = await compareBothWays('DescribeInstances', ok(body));
      expect(path).toBe('fast');
    });

  for (const [name, body] of Object.entries(TO_THE_SDK))
    it(`hands to the SDK, with the same outcome: ${name}`, async () => {
      expect(readEc2Response('DescribeInstances', body)).toBeUndefined();
      const { path } = await compareBothWays('DescribeInstances', ok(body));
      expect(path).toBe('sdk-not-understood');
    });

  it('reads VPCs and subnets (associations, booleans, counts) as the SDK', async () => {
    const vpcs = `<DescribeVpcsResponse xmlns="${NS}"><requestId>r</requestId><vpcSet><item><vpcId>vpc-1</vpcId><ownerId>123456789012</ownerId><state>available</state><cidrBlock>10.0.0.0/16</cidrBlock><cidrBlockAssociationSet><item><cidrBlock>10.0.0.0/16</cidrBlock><associationId>a-1</associationId><cidrBlockState><state>associated</state></cidrBlockState></item><item><cidrBlock>10.1.0.0/16</cidrBlock><cidrBlockState><state>disassociated</state><statusMessage>gone</statusMessage></cidrBlockState></item></cidrBlockAssociationSet><dhcpOptionsId>dopt-1</dhcpOptionsId><tagSet><item><key>Name</key><value>&lt;main&gt;</value></item></tagSet><instanceTenancy>default</instanceTenancy><isDefault>false</isDefault></item><item><vpcId>vpc-2</vpcId><isDefault>true</isDefault></item></vpcSet><nextToken>n</nextToken></DescribeVpcsResponse>`;
    expect((await compareBothWays('DescribeVpcs', ok(vpcs))).path).toBe('fast');
    const subnets = `<DescribeSubnetsResponse xmlns="${NS}"><requestId>r</requestId><subnetSet><item><subnetId>subnet-1</subnetId><subnetArn>arn:aws:ec2:us-east-1:123456789012:subnet/subnet-1</subnetArn><state>available</state><ownerId>123456789012</ownerId><vpcId>vpc-1</vpcId><cidrBlock>10.0.1.0/24</cidrBlock><ipv6CidrBlockAssociationSet/><availableIpAddressCount>251</availableIpAddressCount><availabilityZone>us-east-1a</availabilityZone><availabilityZoneId>use1-az1</availabilityZoneId><defaultForAz>true</defaultForAz><mapPublicIpOnLaunch>false</mapPublicIpOnLaunch><privateDnsNameOptionsOnLaunch><hostnameType>ip-name</hostnameType></privateDnsNameOptionsOnLaunch></item><item><subnetId>subnet-2</subnetId><availableIpAddressCount/></item></subnetSet></DescribeSubnetsResponse>`;
    expect((await compareBothWays('DescribeSubnets', ok(subnets))).path).toBe('fast');
  });

  it('sends error answers to the SDK’s error deserializer: same error, same classification', async () => {
    const error = (code: string) =>
      `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code><Message>m &amp; n</Message></Error></Errors><RequestID>req-9</RequestID></Response>`;
    for (const [status, code] of [
      [400, 'InvalidInstanceID.NotFound'],
      [403, 'UnauthorizedOperation'],
      [503, 'RequestLimitExceeded'],
      [500, 'InternalError'],
    ] as const) {
      const { path, fast } = await compareBothWays('DescribeInstances', {
        status,
        headers: HEADERS,
        body: error(code),
      });
      expect(path).toBe('sdk-status');
      expect(fast).toMatchObject({ error: { name: code, fault: status >= 500 ? 'server' : 'client' } });
    }
  });

  it('names the SDK schema’s own element names and kinds in the projection', () => {
    const schemas: Record<string, unknown> = {
      DescribeInstances: ec2.DescribeInstancesResult$,
      DescribeVpcs: ec2.DescribeVpcsResult$,
      DescribeSubnets: ec2.DescribeSubnetsResult$,
      DescribeSecurityGroups: ec2.DescribeSecurityGroupsResult$,
    };
    const check = (shape: Shape, schema: NormalizedSchema, where: string): number => {
      const members = new Map([...schema.structIterator()]);
      let checked = 0;
      for (const [member, field] of Object.entries(shape)) {
        const ns = members.get(member);
        expect(ns, `${where}.${member} is not a member of the SDK's shape`).toBeDefined();
        expect(ns!.getMemberTraits().xmlName ?? member, `${where}.${member}`).toBe(field.xml);
        const kind = ns!.isStructSchema()
          ? 'struct'
          : ns!.isListSchema()
            ? 'list'
            : ns!.isTimestampSchema()
              ? 'timestamp'
              : ns!.isBooleanSchema()
                ? 'boolean'
                : ns!.isNumericSchema()
                  ? 'number'
                  : ns!.isStringSchema()
                    ? 'string'
                    : 'other';
        expect(kind, `${where}.${member}`).toBe(field.kind);
        checked++;
        if (field.kind === 'struct') checked += check(field.shape, ns!, `${where}.${member}`);
        if (field.kind === 'list') {
          const item = ns!.getValueSchema();
          expect(item.getMergedTraits().xmlName, `${where}.${member} items`).toBe('item');
          checked += check(field.item, item, `${where}.${member}[]`);
        }
      }
      return checked;
    };
    let total = 0;
    for (const [operation, shape] of Object.entries(OUTPUTS))
      total += check(shape, NormalizedSchema.of(schemas[operation] as never), operation);
    expect(total).toBeGreaterThan(60);
  });
});
