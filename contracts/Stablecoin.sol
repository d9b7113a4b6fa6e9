// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import "./Erc20.sol";

/// A USDT-like stablecoin: the issuer can blacklist an address (it can no longer send) and destroy
/// a blacklisted address's funds, as Tether does with funds of sanctioned or hacked addresses.
contract Stablecoin is Erc20 {
    mapping(address => bool) public isBlackListed;

    event AddedBlackList(address indexed account);
    event RemovedBlackList(address indexed account);
    event DestroyedBlackFunds(address indexed account, uint256 amount);

    constructor(string memory name_, string memory symbol_) Erc20(name_, symbol_, 6) {}

    function addBlackList(address account) external {
        require(msg.sender == issuer, "not issuer");
        isBlackListed[account] = true;
        emit AddedBlackList(account);
    }

    function removeBlackList(address account) external {
        require(msg.sender == issuer, "not issuer");
        isBlackListed[account] = false;
        emit RemovedBlackList(account);
    }

    /// Burns a frozen address's balance; the Transfer to the zero address lets indexers see the burn.
    function destroyBlackFunds(address account) external {
        require(msg.sender == issuer, "not issuer");
        require(isBlackListed[account], "not blacklisted");
        uint256 amount = balanceOf[account];
        balanceOf[account] = 0;
        totalSupply -= amount;
        emit Transfer(account, address(0), amount);
        emit DestroyedBlackFunds(account, amount);
    }

    function _transfer(address from, address to, uint256 amount) internal override {
        require(!isBlackListed[from], "blacklisted");
        super._transfer(from, to, amount);
    }
}
