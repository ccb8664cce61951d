import{a}from"./chunk-SXBGVRDH.js";import"./chunk-JSSOGFXD.js";import"./chunk-DFZTPQR2.js";export default a();
