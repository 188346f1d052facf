/// What the camera-group configuration knows about where a finding came from: the camera, its place on the
/// map, and the case category and rule the zone is watched for. One value per (camera, rule, zone).
///
/// The camera worker builds it from config and hands it to ``IncidentTracker/ingest(_:context:clock:)`` with
/// every finding; the tracker copies it into the ``DraftCase``.
public struct CaseContext: Sendable, Hashable {
    /// The camera the finding came from.
    public var camera: CameraRef
    /// Where the camera looks.
    public var location: CaseLocation
    /// The national case category the rule reports as (from the config's `category`).
    public var category: CaseCategory
    /// The standard the category code is from; default ``CaseCategory/standard`` (`GB/T 47678.5-2026`).
    public var categoryStandard: String
    /// 事项 or 部件 (`recType`); default 事项, which every first rule reports.
    public var kind: CaseKind
    /// The rule id (``Finding/rule``), e.g. `abandoned-object`.
    public var ruleID: String
    /// The rule's algorithm version (`RuleDescriptor.version`), recorded with each case.
    public var ruleVersion: Int
    /// The zone id (``Finding/zone``).
    public var zoneID: String
    /// GB/T 2260 administrative division code (6 digits), put in front of the category code to make the
    /// 11-digit 事项代码; `nil` when the config does not say.
    public var divisionCode: String?

    /// Creates a context.
    public init(camera: CameraRef, location: CaseLocation, category: CaseCategory,
                categoryStandard: String = CaseCategory.standard, kind: CaseKind = .matter, ruleID: String,
                ruleVersion: Int, zoneID: String, divisionCode: String? = nil) {
        self.camera = camera
        self.location = location
        self.category = category
        self.categoryStandard = categoryStandard
        self.kind = kind
        self.ruleID = ruleID
        self.ruleVersion = ruleVersion
        self.zoneID = zoneID
        self.divisionCode = divisionCode
    }
}

/// A camera as a case names it (摄像机).
public struct CameraRef: Sendable, Hashable {
    /// The config's camera id, e.g. `gs-east-03`; stable, used in case numbers and incident keys.
    public var id: String
    /// Human name, e.g. `东门垃圾站 3号`.
    public var name: String
    /// The GB/T 28181 20-digit device (channel) id, when the camera sits behind a 28181 platform.
    public var gb28181ID: String?

    /// Creates a camera reference.
    public init(id: String, name: String, gb28181ID: String? = nil) {
        self.id = id
        self.name = name
        self.gb28181ID = gb28181ID
    }
}

/// Where a case is (位置描述, 坐标, 单元网格).
public struct CaseLocation: Sendable, Hashable {
    /// Address text, at most 256 characters on the platform (`address`).
    public var address: String
    /// Longitude (`coordinateX`).
    public var longitude: Double
    /// Latitude (`coordinateY`).
    public var latitude: Double
    /// Coordinate reference system of `longitude`/`latitude`; default `WGS84` (others: `GCJ02`, `CGCS2000`).
    public var crs: String
    /// The 15-character unit grid code (单元网格标识码, `cellId`), `[0-9A-Z]{15}`.
    public var gridCode: String

    /// Creates a location.
    public init(address: String, longitude: Double, latitude: Double, crs: String = "WGS84", gridCode: String) {
        self.address = address
        self.longitude = longitude
        self.latitude = latitude
        self.crs = crs
        self.gridCode = gridCode
    }
}

/// Whether a category is a 部件 (a managed object, e.g. a manhole cover) or a 事项 (a matter, e.g. street
/// vending). GB/T 30428.2-2013 called matters 事件; the platform's `recType` takes the Chinese word.
public enum CaseKind: String, Sendable, Hashable, CaseIterable {
    /// 事项 (事件 in the 2013 standard): everything the first rules report.
    case matter = "事项"
    /// 部件: a managed public object.
    case part = "部件"
}
